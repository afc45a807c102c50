import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config.ts';
import { openDatabase } from '../storage/db.ts';
import { createKey } from '../projects/keys.ts';
import { systemClock } from '../domain/time.ts';
import { join } from 'node:path';
import { serve, worker } from './serve.ts';
import { loadOrCreateSecret } from '../main.ts';
import { extraCommands } from './commands.ts';

const USAGE = `usage: vkyc <command>

  serve                          API + workers (embedded default: SQLite + files in ./data)
  worker                         workers only (scale-out)
  keys create --project NAME [--test]   print a new API key on stdout
${extraCommands.map((c) => `  ${c.usage.padEnd(31)}${c.help}`).join('\n')}

Configuration comes from environment variables (see README: PORT, DATA_DIR, DATABASE_URL, PUBLIC_URL, …).`;

async function main(argv: string[]) {
  const [cmd, ...rest] = argv;
  const config = loadConfig(process.env);
  switch (cmd) {
    case 'serve':
      await serve(config, { workers: true });
      return;
    case 'worker':
      await worker(config);
      return;
    case 'keys': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { project: { type: 'string' }, test: { type: 'boolean', default: false } } });
      if (positionals[0] !== 'create' || !values.project) throw new UsageError('usage: vkyc keys create --project NAME [--test]');
      const h = await openDatabase({ url: config.DATABASE_URL, sqlitePath: join(config.DATA_DIR, 'vkyc.sqlite'), secret: loadOrCreateSecret(config) });
      const k = await createKey({ db: h.db, clock: systemClock }, values.project, values.test ? 'test' : 'live');
      await h.close();
      process.stdout.write(`${k.key}\n`);
      process.stderr.write(`project ${k.project.name} (${k.project.id}); the key is shown once — store it now\n`);
      return;
    }
    default: {
      const extra = extraCommands.find((c) => c.name === cmd);
      if (extra) {
        await extra.run(rest, config);
        return;
      }
      throw new UsageError(USAGE);
    }
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((e) => {
  if (e instanceof UsageError || e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`vkyc: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
