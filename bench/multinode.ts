// npm run bench:multinode — the multi-node run (bench/multinode/run.ts) twice: 1 worker process,
// then 2, each with N self-record sessions (default 50) and worker kills (default 2, each followed
// by a restart); prints throughput (sessions/minute) and the exactly-once figures. Numbers depend on
// the machine's load: say what else ran when quoting them (docs/self-hosting.md, sizing).
//
//   --sessions N     sessions per run (default 50)
//   --kills N        SIGKILLs per run (default 2)
//   --workers 1,2    worker process counts to compare (default 1,2)
//   --clients N      clients submitting sessions at once (default 3)
//   --queue sql|bullmq   QUEUE for every process (default: BullMQ when REDIS_URL selects it)
//   --json FILE      write the results as JSON
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runMultinode, type MultinodeResult } from './multinode/run.ts';

const { values: args } = parseArgs({ options: { sessions: { type: 'string', default: '50' }, kills: { type: 'string', default: '2' }, workers: { type: 'string', default: '1,2' }, clients: { type: 'string', default: '3' }, queue: { type: 'string' }, json: { type: 'string' } } });
const results: Array<MultinodeResult & { loadBefore: number }> = [];
for (const workers of args.workers.split(',').map(Number)) {
  const loadBefore = Math.round(loadavg()[0]! * 10) / 10;
  const r = await runMultinode({ sessions: Number(args.sessions), workers, kills: Number(args.kills), clients: Number(args.clients), queue: args.queue as 'sql' | 'bullmq' | undefined, budgetMs: 60 * 60_000 });
  results.push({ ...r, loadBefore });
  process.stdout.write(`${JSON.stringify({ ...r, loadBefore })}\n`);
}
const line = (r: MultinodeResult & { loadBefore: number }) =>
  `| ${r.workers} | ${r.sessions} | ${r.killsDone} | ${r.queue} | ${(r.elapsedMs / 1000).toFixed(0)} s | ${r.sessionsPerMinute} | ${r.decidedOnce}/${r.sessions} | ${r.deliveredOnce}/${r.sessions} | ${r.redeliveries} | ${r.uploadsOnBothNodes}/${r.sessions} | ${r.loadBefore} |`;
process.stdout.write([
  '',
  '| worker processes | sessions | kills | queue | elapsed | sessions/min | decided once | webhook delivered once | redeliveries | uploads split over both nodes | load avg before |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...results.map(line),
  '',
].join('\n'));
if (args.json) await writeFile(args.json, JSON.stringify(results, null, 2));
const bad = results.filter((r) => r.undecided.length || r.undelivered.length || r.duplicated.length);
if (bad.length) {
  process.stderr.write(`lost or duplicated: ${JSON.stringify(bad.map((r) => ({ workers: r.workers, undecided: r.undecided, undelivered: r.undelivered, duplicated: r.duplicated })))}\n`);
  process.exit(1);
}
