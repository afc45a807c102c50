// A face worker that loads nothing and dies on the first detect, as an out-of-memory worker would.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (req) => {
  if (req.op === 'init') parentPort.postMessage({ id: req.id, ok: true, value: null });
  else process.exit(3);
});
