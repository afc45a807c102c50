// Body of a face-engine worker thread (see worker-pool.ts): one Human + face-api engine on its own
// tfjs WASM instance, answering detect/embed requests from the pool one at a time.

import { parentPort, workerData } from 'node:worker_threads';
import { createFaceEngine, type FaceEngineOptions } from './human-faceapi.ts';
import type { WorkerRequest, WorkerResponse } from './worker-pool.ts';

const port = parentPort;
if (!port) throw new Error('face-worker.ts must run in a worker thread');
// The pool's engine options (worker-pool.ts), set by our own code: not untrusted input.
const engine = createFaceEngine(workerData as FaceEngineOptions);

port.on('message', (req: WorkerRequest) => {
  // Leaving from this handler, between model runs: never inside a native onnxruntime call (worker-pool.ts, CLOSE_GRACE_MS).
  if (req.op === 'close') process.exit(0);
  void handle(req).then((res) => port.postMessage(res));
});

async function handle(req: Exclude<WorkerRequest, { op: 'close' }>): Promise<WorkerResponse> {
  try {
    switch (req.op) {
      case 'init':
        await engine.init();
        return { id: req.id, ok: true, value: null };
      case 'detect':
        return { id: req.id, ok: true, value: await engine.detect(req.image, req.options) };
      case 'embed':
        return { id: req.id, ok: true, value: await engine.embed(req.image, req.face, req.options) };
    }
  } catch (err) {
    return { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
