import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../log.ts';
import { type Check, verifyPack } from '../evidence/verify-pack.ts';
import type { Command } from './command.ts';
import { buildRuntime } from './runtime.ts';

const USAGE = `usage: vkyc evidence verify PACK.json [--key JWKS.json | --key-url URL] [--artifacts DIR] [--pdf PACK.pdf]
       vkyc evidence export ID --project NAME --out DIR     pack.json, pack.pdf, keys.json and artifacts/<kind> of a decided session
       vkyc evidence rotate-key --project NAME               new signing key; the old one stays published for verification`;

/**
 * `vkyc evidence verify|export|rotate-key`. verify needs no server and no database: the pack, the
 * public keys (a file, or a URL), and optionally the artifact files and the PDF. Exit 0 only when
 * every check passes; each failed check is named.
 */
export const evidenceCommand: Command = {
  name: 'evidence',
  usage: 'evidence verify|export|rotate-key …',
  help: 'verify a signed evidence pack offline; export one; rotate the signing key',
  async run(args, config) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseArgs({
      args: rest, allowPositionals: true,
      options: { key: { type: 'string' }, 'key-url': { type: 'string' }, artifacts: { type: 'string' }, pdf: { type: 'string' }, project: { type: 'string' }, out: { type: 'string' } },
    });
    if (sub === 'verify') {
      if (positionals.length !== 1 || (values.key && values['key-url'])) throw new Error(USAGE);
      process.exitCode = await verifyCommand(positionals[0]!, values);
      return;
    }
    if (!values.project || !['export', 'rotate-key'].includes(sub ?? '')) throw new Error(USAGE);
    if (sub === 'export' && (positionals.length !== 1 || !values.out)) throw new Error(USAGE);
    // Pack building (PDF, images, models list) loads only for export and rotate-key.
    const [{ evidencePack }, { publishedKeys, rotateSigningKey }] = await Promise.all([import('../evidence/sign-pack.ts'), import('../evidence/signing-keys.ts')]);
    const rt = await buildRuntime(config, { log: createLogger(config.LOG_LEVEL === 'debug' ? 'debug' : 'warn') });
    try {
      const p = await rt.deps.db.selectFrom('projects').select('id').where('name', '=', values.project).executeTakeFirst();
      if (!p) throw new Error(`no project named ${values.project} (see: vkyc keys list)`);
      if (sub === 'rotate-key') {
        process.stdout.write(`${JSON.stringify(await rotateSigningKey(rt.deps, p.id))}\n`);
        return;
      }
      const { signed, pdf } = await evidencePack(rt.deps, p.id, positionals[0]!);
      const out = resolve(values.out!);
      await mkdir(join(out, 'artifacts'), { recursive: true });
      await writeFile(join(out, 'pack.json'), `${JSON.stringify(signed, null, 2)}\n`);
      await writeFile(join(out, 'pack.pdf'), pdf);
      await writeFile(join(out, 'keys.json'), `${JSON.stringify(await publishedKeys(rt.deps.db), null, 2)}\n`);
      const rows = await rt.deps.db.selectFrom('artifacts').select(['kind', 'blob_key']).where('project_id', '=', p.id).where('session_id', '=', positionals[0]!).execute();
      for (const a of rows) {
        const chunks: Buffer[] = [];
        for await (const c of await rt.deps.blobs.get(a.blob_key, { verifyAll: true })) chunks.push(c as Buffer);
        await writeFile(join(out, 'artifacts', a.kind), Buffer.concat(chunks));
      }
      process.stderr.write(`wrote ${out}: pack.json, pack.pdf, keys.json, artifacts/ (${rows.length} files)\nverify with: vkyc evidence verify ${join(out, 'pack.json')} --key ${join(out, 'keys.json')} --artifacts ${join(out, 'artifacts')} --pdf ${join(out, 'pack.pdf')}\n`);
    } finally {
      await rt.close();
    }
  },
};

async function verifyCommand(file: string, o: { key?: string; 'key-url'?: string; artifacts?: string; pdf?: string }): Promise<number> {
  const pack = JSON.parse(await readFile(file, 'utf8')) as { signature?: { keys_url?: string } };
  const url = o['key-url'] ?? (o.key ? undefined : pack.signature?.keys_url);
  if (!o.key && !url) throw new Error('no key: give --key JWKS.json or --key-url URL');
  // Without --key the keys come from a URL: say so, it is the one step that is not offline.
  if (!o.key) process.stderr.write(`keys from ${url}\n`);
  const jwks = o.key ? JSON.parse(await readFile(o.key, 'utf8')) : await (await fetch(url!)).json();
  const dir = o.artifacts ? resolve(o.artifacts) : null;
  const files = dir ? {
    async read(ref: string) {
      // refs are artifacts/<kind>; the files sit directly in DIR. A ref that would leave DIR is refused.
      const p = resolve(dir, ref.replace(/^artifacts\//, ''));
      if (!p.startsWith(dir + sep)) return null;
      return readFile(p).then((b) => new Uint8Array(b), () => null);
    },
  } : undefined;
  const checks = await verifyPack(pack, jwks, { files, pdf: o.pdf ? new Uint8Array(await readFile(o.pdf)) : undefined });
  for (const c of checks) process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}\n`);
  const failed = checks.filter((c: Check) => !c.ok);
  process.stdout.write(failed.length ? `pack NOT verified: ${failed.length} check(s) failed (${failed.map((c) => c.check).join(', ')})\n` : `pack verified: ${checks.length} checks passed\n`);
  return failed.length ? 1 : 0;
}
