import { ConfigError, loadConfig } from '../config/config.ts';
import { serve, worker } from './serve.ts';
import { ArgsError, parseProcessArgs } from './process-args.ts';
import { extraCommands } from './commands.ts';

const USAGE = `usage: vkyc <command>

  serve [--no-workers]           API + workers (embedded default: SQLite + files in ./data);
                                 --no-workers: API only (scale-out)
  worker [--queues verify,webhook,maintenance]
                                 workers only, for the named job classes (default all)
         [--drain-seconds 15]    on SIGTERM: stop claiming, let running jobs finish this long, release the rest
${extraCommands.map((c) => `  ${c.usage.padEnd(31)}${c.help}`).join('\n')}

Configuration comes from environment variables (see README: PORT, DATA_DIR, DATABASE_URL, PUBLIC_URL, …).`;

async function main(argv: string[]) {
  const [cmd, ...rest] = argv;
  const config = loadConfig(process.env);
  switch (cmd) {
    case 'serve': {
      const a = parseProcessArgs('serve', rest);
      await serve(config, { workers: a.workers, classes: a.classes, drainMs: a.drainMs });
      return;
    }
    case 'worker':
      await worker(config, parseProcessArgs('worker', rest));
      return;
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
  if (e instanceof UsageError || e instanceof ConfigError || e instanceof ArgsError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`vkyc: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
