import { spawnSync } from 'node:child_process';

// WebRTC tests run in a private network namespace (`unshare -n`, only `lo`, brought up): ICE then
// finds loopback candidates only, nothing leaves the machine, and parallel tests cannot see each
// other's ports. The test file calls this first: outside a namespace it re-runs itself inside one
// (same node flags, arguments and env, so the test runner's child protocol passes straight through) and
// returns the exit status; inside one (or where unshare is not allowed) it returns null and the
// tests run here, on plain loopback.

export const IN_NETNS = 'VKYC_IN_NETNS';

export function reexecInNetns(file: string): number | null {
  if (process.env[IN_NETNS]) return null;
  const probe = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
  if (probe.status !== 0) {
    process.env[IN_NETNS] = 'unavailable';
    process.stderr.write('# unshare -n is not permitted here: running on the shared loopback instead\n');
    return null;
  }
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, ...process.execArgv, file, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, [IN_NETNS]: 'yes' } });
  return r.status ?? 1;
}
