import { JOB_CLASSES, type JobClass } from '../queue/catalogue.ts';

// Options of the process commands (`vkyc serve`, `vkyc worker`), parsed strictly: a typo in a
// queue name must stop the process at start, not leave a class without workers.

export interface ProcessArgs {
  /** `serve --no-workers`: an API-only process. */
  workers: boolean;
  /** `worker --queues verify,webhook`: the concurrency classes this process runs (all by default). */
  classes: readonly JobClass[];
  /** How long SIGTERM lets running jobs finish before they are released (default 15 s). */
  drainMs: number;
}

export class ArgsError extends Error {}

/** 15 s: under the 30 s that systemd (TimeoutStopSec's default is 90 s) and Kubernetes (terminationGracePeriodSeconds) give before SIGKILL. */
export const DEFAULT_DRAIN_MS = 15_000;

export function parseProcessArgs(command: 'serve' | 'worker', argv: string[]): ProcessArgs {
  const out: ProcessArgs = { workers: true, classes: JOB_CLASSES, drainMs: DEFAULT_DRAIN_MS };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new ArgsError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--no-workers' && command === 'serve') out.workers = false;
    else if (flag === '--queues') out.classes = parseClasses(value());
    else if (flag === '--drain-seconds') {
      const s = Number(value());
      if (!Number.isFinite(s) || s < 0 || s > 3600) throw new ArgsError('--drain-seconds must be a number of seconds between 0 and 3600');
      out.drainMs = s * 1000;
    } else throw new ArgsError(`unknown option ${flag} for vkyc ${command}`);
  }
  return out;
}

function parseClasses(list: string): JobClass[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(JOB_CLASSES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length) throw new ArgsError(`--queues takes a comma-separated list of ${JOB_CLASSES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  return [...new Set(names)] as JobClass[];
}
