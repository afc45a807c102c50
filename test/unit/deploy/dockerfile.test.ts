import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

// An offline lint of deploy/Dockerfile and the systemd units (no Docker daemon, no network): the
// Dockerfile parses into known instructions, base images are pinned to a full version, every COPY
// source exists in the repository, the runtime stage installs the Debian packages
// scripts/install-system.sh lists for run time, npm ci and build:whisper run at build time, nothing
// is fetched by curl/wget, and the container runs as a non-root user.

const root = process.cwd();
const read = (p: string) => readFileSync(join(root, p), 'utf8');

interface Instruction { line: number; op: string; args: string }

/** Dockerfile → instructions: comments dropped, `\` continuations joined (the format's own rules). */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!buf && (line === '' || line.startsWith('#'))) return;
    if (buf && line.startsWith('#')) return; // a comment inside a continued instruction
    if (!buf) start = i + 1;
    buf += (buf ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) return;
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(buf);
    if (!m) throw new Error(`line ${start}: not an instruction: ${buf}`);
    out.push({ line: start, op: m[1]!.toUpperCase(), args: m[2]! });
    buf = '';
  });
  if (buf) throw new Error('the file ends inside a continued instruction');
  return out;
}

const KNOWN = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL']);

describe('deploy/Dockerfile (offline lint)', () => {
  const ins = parseDockerfile(read('deploy/Dockerfile'));
  const stages: Instruction[][] = [];
  for (const i of ins) {
    if (i.op === 'FROM') stages.push([]);
    stages[stages.length - 1]?.push(i);
  }
  const final = stages[stages.length - 1]!;

  test('known instructions only, starting with FROM', () => {
    assert.equal(ins[0]!.op, 'FROM');
    for (const i of ins) assert.ok(KNOWN.has(i.op), `line ${i.line}: unknown instruction ${i.op}`);
    assert.ok(stages.length >= 2, 'a build stage and a runtime stage');
  });

  test('base images are pinned to a full version (no latest, no bare major)', () => {
    for (const f of ins.filter((i) => i.op === 'FROM')) {
      const image = f.args.split(/\s+/)[0]!;
      assert.match(image, /^[a-z0-9./-]+:\d+\.\d+\.\d+[-a-z0-9.]*(@sha256:[0-9a-f]{64})?$/, `line ${f.line}: ${image} is not pinned`);
    }
  });

  test('every COPY source exists in the repository (or names an earlier stage)', () => {
    const stageNames = new Set(ins.filter((i) => i.op === 'FROM').map((i) => /\bAS\s+(\S+)/i.exec(i.args)?.[1]).filter(Boolean));
    for (const c of ins.filter((i) => i.op === 'COPY' || i.op === 'ADD')) {
      assert.notEqual(c.op, 'ADD', `line ${c.line}: COPY, not ADD (ADD fetches URLs and unpacks archives)`);
      const parts = c.args.split(/\s+/);
      const from = parts.find((p) => p.startsWith('--from='));
      if (from) {
        assert.ok(stageNames.has(from.slice(7)), `line ${c.line}: unknown stage ${from}`);
        continue;
      }
      const paths = parts.filter((p) => !p.startsWith('--'));
      for (const src of paths.slice(0, -1)) assert.ok(existsSync(join(root, src)), `line ${c.line}: ${src} does not exist`);
    }
  });

  test('build stage: npm ci from the lockfile, whisper-cli and the page bundles built', () => {
    const build = stages[0]!.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');
    assert.match(build, /\bnpm ci\b/);
    assert.match(build, /npm run build:whisper/);
    assert.match(build, /npm run build:web/);
    assert.ok(existsSync(join(root, 'package-lock.json')));
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    assert.ok(scripts['build:whisper'] && scripts['build:web']);
  });

  test('runtime stage installs the run-time Debian packages of scripts/install-system.sh', () => {
    const listed = /runtime_pkgs=\(([^)]*)\)/.exec(read('scripts/install-system.sh'))?.[1]?.trim().split(/\s+/) ?? [];
    assert.ok(listed.length > 0);
    const apt = final.filter((i) => i.op === 'RUN' && /apt-get install/.test(i.args)).map((i) => i.args).join(' ');
    for (const p of listed) assert.match(apt, new RegExp(`(^|\\s)${p.replace(/[.+]/g, '\\$&')}(\\s|$)`), `runtime package ${p} missing`);
  });

  test('nothing is downloaded by hand, and the container runs as a non-root user', () => {
    for (const i of ins) assert.doesNotMatch(i.args, /\b(curl|wget)\b/, `line ${i.line}: ${i.op} fetches with curl/wget`);
    const user = final.filter((i) => i.op === 'USER').pop();
    assert.ok(user && !/^(root|0)(:|$)/.test(user.args), 'runtime USER is not root');
    const entry = final.find((i) => i.op === 'ENTRYPOINT')!;
    assert.deepEqual(JSON.parse(entry.args).slice(-2), ['node', 'bin/vkyc.mjs']);
    assert.ok(existsSync(join(root, 'bin/vkyc.mjs')));
    assert.match(final.find((i) => i.op === 'HEALTHCHECK')!.args, /\/healthz/);
  });
});

describe('deploy/systemd units', () => {
  const unit = (p: string) => {
    const sections: Record<string, Record<string, string[]>> = {};
    let cur = '';
    for (const raw of read(p).split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const s = /^\[(\w+)\]$/.exec(line);
      if (s) {
        cur = s[1]!;
        sections[cur] = {};
        continue;
      }
      const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
      assert.ok(kv && cur, `${p}: not a unit line: ${line}`);
      (sections[cur]![kv[1]!] ??= []).push(kv[2]!);
    }
    return sections;
  };

  test('the API unit runs serve without workers; the worker template runs worker; both as vkyc with a stop timeout', () => {
    const api = unit('deploy/systemd/vkyc-api.service');
    const worker = unit('deploy/systemd/vkyc-worker@.service');
    assert.deepEqual(api.Service!.ExecStart, ['/usr/bin/node bin/vkyc.mjs serve --no-workers']);
    assert.deepEqual(worker.Service!.ExecStart, ['/usr/bin/node bin/vkyc.mjs worker']);
    for (const u of [api, worker]) {
      assert.deepEqual(u.Service!.User, ['vkyc']);
      assert.deepEqual(u.Service!.KillSignal, ['SIGTERM']);
      assert.ok(Number(u.Service!.TimeoutStopSec?.[0]) >= 30);
      assert.deepEqual(u.Install!.WantedBy, ['multi-user.target']);
      assert.deepEqual(u.Service!.EnvironmentFile, ['/etc/vkyc/vkyc.env']);
    }
    assert.ok(worker.Service!.Environment!.some((e) => e.includes('%i')), 'each worker instance has its own DATA_DIR');
  });
});
