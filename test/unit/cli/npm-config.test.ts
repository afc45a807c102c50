import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Issue 19: every npm command printed `npm warn Unknown project config "onnxruntime-node-install"`
// (an .npmrc key npm does not know). The skip now lives in package.json `allowScripts`, npm's own
// install-script policy: onnxruntime-node's postinstall (it only downloads CUDA binaries from
// NuGet; the CPU runtime ships in the package) is denied, native builds are approved.

async function npm(args: string[], offline = false) {
  const [cmd, argv] = offline ? ['unshare', ['-n', 'npm', ...args]] : ['npm', args];
  try {
    const r = await run(cmd, argv as string[], { cwd: process.cwd(), env: { ...process.env, npm_config_update_notifier: 'false' } });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout + x.stderr };
  }
}

test('npm knows every project setting: no unknown-config warning, every install script reviewed', async () => {
  const ls = await npm(['install-scripts', 'ls']);
  assert.equal(ls.code, 0, ls.out);
  assert.doesNotMatch(ls.out, /Unknown (project|user|env) config/);
  assert.match(ls.out, /No packages with unreviewed install scripts/);
});

test('install scripts run offline: onnxruntime-node\'s download is skipped by the policy', async () => {
  // Without network: the denied postinstall would fail on api.nuget.org if it ran.
  const r = await npm(['rebuild', 'onnxruntime-node', '--foreground-scripts'], true);
  assert.equal(r.code, 0, r.out);
  assert.doesNotMatch(r.out, /nuget|EAI_AGAIN|Unknown project config/i);
});
