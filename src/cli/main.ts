import { ConfigError, loadConfig } from '../config/config.ts';
import { extraCommands } from './commands.ts';

const USAGE = `usage: vkyc <command>

  serve                          API + workers (embedded default: SQLite + files in ./data)
  worker                         workers only (scale-out)
${extraCommands.map((c) => `  ${c.usage.padEnd(31)}${c.help}`).join('\n')}

Configuration comes from environment variables (see README: PORT, DATA_DIR, DATABASE_URL, PUBLIC_URL, …).`;

async function main(argv: string[]) {
  const [cmd, ...rest] = argv;
  const config = loadConfig(process.env);
  switch (cmd) {
    // The server's modules load only for the commands that run it (seconds under load).
    case 'serve':
      await (await import('./serve.ts')).serve(config, { workers: true });
      return;
    case 'worker':
      await (await import('./serve.ts')).worker(config);
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
  if (e instanceof UsageError || e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`vkyc: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
