import { parseArgs } from 'node:util';
import type { Config } from '../config/config.ts';
import { systemClock } from '../domain/time.ts';
import { createKey } from '../projects/keys.ts';
import { listKeys, revokeKey } from '../projects/manage-keys.ts';
import type { Db } from '../storage/db.ts';
import type { Command } from './command.ts';
import { serverSecret, openDb } from './runtime.ts';

const USAGE = `usage: vkyc keys create --project NAME [--test]   print a new API key on stdout (shown once)
       vkyc keys list [--project NAME]            every key (id, prefix, mode, dates) as JSON; never the key itself
       vkyc keys revoke ID|PREFIX                 the key stops authenticating at once`;

async function withDb<T>(config: Config, f: (db: Db) => Promise<T>): Promise<T> {
  const h = await openDb(config, { secret: await serverSecret(config) });
  try {
    return await f(h.db);
  } finally {
    await h.close();
  }
}

/** `vkyc keys create|list|revoke`: API keys of the projects in this server's database. */
export const keysCommand: Command = {
  name: 'keys',
  usage: 'keys create|list|revoke …',
  help: 'create, list or revoke API keys (vkyc keys for details)',
  async run(args, config) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { project: { type: 'string' }, test: { type: 'boolean', default: false } } });
    if (sub === 'create') {
      if (!values.project || positionals.length) throw new Error(USAGE);
      const k = await withDb(config, (db) => createKey({ db, clock: systemClock }, values.project!, values.test ? 'test' : 'live'));
      process.stdout.write(`${k.key}\n`);
      process.stderr.write(`project ${k.project.name} (${k.project.id}), key ${k.keyId}; the key is shown once — store it now\n`);
      return;
    }
    if (sub === 'list') {
      if (positionals.length || values.test) throw new Error(USAGE);
      const keys = await withDb(config, (db) => listKeys({ db }, values.project === undefined ? {} : { project: values.project }));
      process.stdout.write(`${JSON.stringify({ data: keys })}\n`);
      return;
    }
    if (sub === 'revoke') {
      const [ref] = positionals;
      if (!ref || positionals.length > 1 || values.project !== undefined || values.test) throw new Error(USAGE);
      const r = await withDb(config, (db) => revokeKey({ db, clock: systemClock }, ref));
      if (r.outcome === 'not_found') throw new Error(`no key with id or prefix ${ref} (see: vkyc keys list)`);
      if (r.outcome === 'ambiguous') throw new Error(`${r.matches} keys share the prefix ${ref}; revoke by id (see: vkyc keys list)`);
      process.stdout.write(`${JSON.stringify({ ...r.key, outcome: r.outcome })}\n`);
      return;
    }
    throw new Error(USAGE);
  },
};
