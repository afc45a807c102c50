// Child process for the crash test: a worker whose second stage never finishes. The parent kills it
// with SIGKILL mid-stage and checks that another worker resumes the job after the lease runs out.
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime } from '../../src/main.ts';
import { z } from 'zod';
import type { Stage } from '../../src/verification/pipeline.ts';

const stages = (): Stage[] => [
  { name: 'first', result: z.object({ done_by: z.number() }), run: async () => ({ done_by: process.pid }) },
  {
    name: 'second',
    result: z.object({}),
    run: async () => {
      process.stdout.write('in-second-stage\n');
      await new Promise(() => undefined); // hang until killed
      return {};
    },
  },
];

// REDIS_URL/REDIS_PREFIX from the parent: the same crash with the jobs in BullMQ (crash-resume-bullmq.test.ts).
const config = loadConfig({ DATA_DIR: process.argv[2], LOG_LEVEL: 'silent', REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: process.env.REDIS_PREFIX });
const rt = await buildRuntime(config, { stages });
rt.startWorkers({ leaseMs: 1500, pollMs: 20 });
