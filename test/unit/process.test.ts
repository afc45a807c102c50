import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaError, run } from '../../src/engines/media/ffmpeg.ts';
import { ProcessError, runChecked, runProcess } from '../../src/engines/process.ts';

// The one child-process runner: what it kills, what it keeps, how its failures read, and how the
// media tools see them.

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // A killed child not yet reaped by its (also killed) parent is a zombie: gone for our purpose.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

test('process: a timeout kills the whole process group, grandchildren included', async () => {
  // The shell prints its background child's pid, then waits: a kill of the shell alone leaves the sleep.
  const started = runProcess('sh', ['-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 500 });
  const e = await started.then(() => null, (x: unknown) => x);
  assert.ok(e instanceof ProcessError);
  assert.equal(e.reason, 'timeout');
  const grandchild = Number(e.result?.stdout.trim());
  assert.ok(grandchild > 0, 'the shell reported its child');
  for (let i = 0; i < 20 && alive(grandchild); i++) await sleep(50);
  assert.equal(alive(grandchild), false, 'sleep 30 was killed with its parent');
});

test('process: abort, missing binary, non-zero exit and the output cap', async () => {
  const ac = new AbortController();
  const p = runProcess('sleep', ['30'], { timeoutMs: 10_000, signal: ac.signal });
  ac.abort();
  await assert.rejects(p, (e: unknown) => e instanceof ProcessError && e.reason === 'aborted');
  await assert.rejects(runProcess('vkyc-no-such-binary', [], { timeoutMs: 1000 }), (e: unknown) => e instanceof ProcessError && e.reason === 'spawn' && e.errno === 'ENOENT');
  await assert.rejects(runChecked('sh', ['-c', 'echo boom >&2; exit 3'], { timeoutMs: 5000 }), (e: unknown) => e instanceof ProcessError && e.reason === 'exit' && e.result?.code === 3 && /boom/.test(e.message));
  // 4 MiB written, 1 KiB asked: the cap is checked per chunk (a pipe hands over up to 64 KiB), so
  // at most one chunk more than the cap is kept.
  const r = await runProcess('sh', ['-c', 'head -c 4194304 /dev/zero'], { timeoutMs: 5000, maxOutput: 1024 });
  assert.equal(r.code, 0);
  assert.ok(r.stdout.length >= 1024 && r.stdout.length <= 1024 + 65536, `kept ${r.stdout.length} bytes`);
});

test('process: ffmpeg/ffprobe failures read as media errors', async () => {
  await assert.rejects(run('sleep', ['30'], 300), (e: unknown) => e instanceof MediaError && e.code === 'media_timeout');
  await assert.rejects(run('vkyc-no-such-ffmpeg', [], 1000), (e: unknown) => e instanceof MediaError && e.code === 'tool_missing');
  const ac = new AbortController();
  const p = run('sleep', ['30'], 10_000, ac.signal);
  ac.abort();
  assert.equal((await p).code, null, 'an aborted run reports no exit code, as a killed process does');
  assert.equal((await run('sh', ['-c', 'echo ok'], 5000)).stdout, 'ok\n');
});
