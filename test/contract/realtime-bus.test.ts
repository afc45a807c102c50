import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { createMemoryBus } from '../../src/realtime/memory-bus.ts';
import { createRedisBus } from '../../src/realtime/redis-bus.ts';
import { createLogger } from '../../src/log.ts';
import { collector, event, realtimeBusContract } from './realtime-bus.contract.ts';

// The in-process bus and the Redis pub/sub bus pass one suite. For Redis the two handles are two
// bus instances (two nodes' worth of connections) on the real Redis at 127.0.0.1:6379; without
// Redis this fails, never skips. The last test publishes from another OS process.

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger('silent');

realtimeBusContract('memory', async () => {
  const bus = createMemoryBus();
  return { a: bus, b: bus, cleanup: async () => undefined };
});

realtimeBusContract('redis (two instances)', async () => {
  const prefix = `vkyc-test-${randomBytes(4).toString('hex')}:`;
  const a = createRedisBus({ url: REDIS_URL, prefix, log });
  const b = createRedisBus({ url: REDIS_URL, prefix, log });
  return { a, b, cleanup: async () => void (await Promise.all([a.close(), b.close()])) };
});

test('redis: an event published by another process reaches this one; another prefix (deployment) does not', async () => {
  const prefix = `vkyc-test-${randomBytes(4).toString('hex')}:`;
  const bus = createRedisBus({ url: REDIS_URL, prefix, log });
  const other = createRedisBus({ url: REDIS_URL, prefix: `${prefix}other:`, log });
  try {
    const p = `prj_${randomBytes(5).toString('hex')}`;
    const on = collector();
    const onOther = collector();
    bus.subscribe(p, on.listener);
    other.subscribe(p, onOther.listener);
    await Promise.all([bus.ready(), other.ready()]);
    const e = event(p, 'session.state_changed');
    const script = `
      import { createRedisBus } from ${JSON.stringify(new URL('../../src/realtime/redis-bus.ts', import.meta.url).href)};
      import { createLogger } from ${JSON.stringify(new URL('../../src/log.ts', import.meta.url).href)};
      const bus = createRedisBus({ url: ${JSON.stringify(REDIS_URL)}, prefix: ${JSON.stringify(prefix)}, log: createLogger('silent') });
      await bus.publish(${JSON.stringify(e)});
      await bus.close();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'inherit' });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 0);
    await on.until(1);
    assert.deepEqual(on.got, [e]);
    // The other deployment's marker event proves its listener was live, and it saw only that.
    await other.publish(event(p, 'session.erased', 'marker'));
    await onOther.until(1);
    assert.deepEqual(onOther.got.map((x) => x.id), ['marker']);
  } finally {
    await bus.close();
    await other.close();
  }
});
