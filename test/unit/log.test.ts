import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, infoAsDebug } from '../../src/log.ts';

test('infoAsDebug: routine info lines are written at debug; warnings keep their level, children too', () => {
  const lines: Array<{ level: string; msg: string; class?: string }> = [];
  const write = (l: string) => lines.push(JSON.parse(l));
  const quiet = infoAsDebug(createLogger('info', {}, write)).child({ class: 'maintenance' });
  quiet.info('job completed');
  quiet.warn('job failed, will retry');
  assert.deepEqual(lines.map((l) => [l.level, l.msg, l.class]), [['warn', 'job failed, will retry', 'maintenance']]);
  lines.length = 0;
  infoAsDebug(createLogger('debug', {}, write)).info('job completed');
  assert.deepEqual(lines.map((l) => [l.level, l.msg]), [['debug', 'job completed']]);
});
