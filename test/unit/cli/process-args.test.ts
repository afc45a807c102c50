import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgsError, DEFAULT_DRAIN_MS, parseProcessArgs } from '../../../src/cli/process-args.ts';

// The options of `vkyc serve` and `vkyc worker`: a typo must stop the process at start.

test('serve: workers by default, --no-workers for an API-only process', () => {
  assert.deepEqual(parseProcessArgs('serve', []), { workers: true, classes: ['verify', 'webhook', 'maintenance'], drainMs: DEFAULT_DRAIN_MS });
  assert.equal(parseProcessArgs('serve', ['--no-workers']).workers, false);
});

test('worker: --queues takes class names (either spelling of the value), --drain-seconds a number', () => {
  assert.deepEqual(parseProcessArgs('worker', ['--queues', 'verify,webhook']).classes, ['verify', 'webhook']);
  assert.deepEqual(parseProcessArgs('worker', ['--queues=maintenance', '--drain-seconds=2.5']), { workers: true, classes: ['maintenance'], drainMs: 2500 });
  assert.deepEqual(parseProcessArgs('worker', ['--queues', 'webhook, webhook']).classes, ['webhook']);
});

test('refused: unknown class, empty list, bad drain time, unknown option, --no-workers on a worker', () => {
  const refused = (argv: string[], msg: RegExp, cmd: 'serve' | 'worker' = 'worker') =>
    assert.throws(() => parseProcessArgs(cmd, argv), (e: unknown) => e instanceof ArgsError && msg.test(e.message));
  refused(['--queues', 'verification'], /unknown: verification/);
  refused(['--queues', ','], /comma-separated list of verify, webhook, maintenance/);
  refused(['--queues'], /--queues needs a value/);
  refused(['--drain-seconds', '-1'], /between 0 and 3600/);
  refused(['--drain-seconds', 'soon'], /between 0 and 3600/);
  refused(['--workers', '3'], /unknown option --workers for vkyc worker/);
  refused(['--no-workers'], /unknown option --no-workers for vkyc worker/);
  refused(['--queue', 'verify'], /unknown option --queue for vkyc serve/, 'serve');
});
