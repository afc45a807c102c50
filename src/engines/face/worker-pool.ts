// A FaceEngine spread over worker threads, each with its own Human + face-api models on its own
// tfjs WASM instance.
//
// Why: tfjs-backend-wasm runs single-threaded in Node (its threaded build needs browser workers),
// so one engine uses one core however many frames are waiting. A compare has two independent
// images, a video dozens of frames, a liveness check eight: with one engine per core they run side
// by side. Each worker costs its models' memory (~280 MB RSS: a server with 2 workers measured 656 MB) and ~1 s to load, so the size is a
// setting (FACE_WORKERS), and the pool starts its workers on the first call, like the in-process
// engine.
//
// Calls are routed to the worker with the fewest calls in flight. Workers keep no state between
// calls, so any worker can serve any call.

import { Worker } from 'node:worker_threads';
import { createFaceEngine, type FaceEngineOptions } from './human-faceapi.ts';
import { similarityScore } from '../../domain/face-match.ts';
import type { DetectOptions, DetectedFace, EmbedOptions, Embedding, FaceEngine, RgbImage } from './port.ts';

type RequestBody =
  | { op: 'init' }
  | { op: 'close' }
  | { op: 'detect'; image: RgbImage; options: DetectOptions | undefined }
  | { op: 'embed'; image: RgbImage; face: DetectedFace; options: EmbedOptions | undefined };

export type WorkerRequest = RequestBody & { id: number };

export type WorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** A call awaiting its answer, with the worker slot that runs it (so a dying worker fails only its own). */
type Pending = { slot: Slot; resolve: (v: unknown) => void; reject: (e: Error) => void };

interface Slot {
  worker: Worker | null;
  inFlight: number;
  ready: Promise<void> | null;
}

interface PoolOptions {
  size: number;
  /** Worker entry (tests give a misbehaving one); default face-worker.mjs. */
  workerUrl?: URL;
  /** Each worker's engine options (structured-cloned into the thread). */
  engine?: FaceEngineOptions;
}

/**
 * How long close() waits for a worker to leave on its own before terminating it. A worker reads the
 * close message between two model runs; terminating it in the middle of one aborts the whole
 * process: onnxruntime's binding throws a C++ exception when its run returns into a thread being
 * torn down (seen as "terminate called after throwing an instance of 'Napi::Error'" when a server
 * closed while a refused liveness check's other frames were still being detected).
 */
const CLOSE_GRACE_MS = 10_000;

export function createFaceEnginePool(options: PoolOptions): FaceEngine & { close(): Promise<void> } {
  const size = Math.max(1, Math.floor(options.size));
  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: null, inFlight: 0, ready: null }));
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closed = false;

  const spawn = (slot: Slot): void => {
    const worker = new Worker(options.workerUrl ?? new URL('./face-worker.mjs', import.meta.url), { workerData: options.engine ?? {} });
    // A busy pool must not keep an otherwise finished process (CLI, tests) alive.
    worker.unref();
    worker.on('message', (res: WorkerResponse) => {
      const p = pending.get(res.id);
      if (!p) return;
      pending.delete(res.id);
      if (res.ok) p.resolve(res.value);
      else p.reject(new Error(res.error));
    });
    const fail = (err: Error): void => {
      // The worker is gone (crash, out of memory): fail its calls and start afresh on the next call.
      slot.worker = null;
      slot.ready = null;
      for (const [id, p] of pending) {
        if (p.slot !== slot) continue;
        p.reject(err);
        pending.delete(id);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`face worker exited with code ${code}`)));
    slot.worker = worker;
  };

  const call = <T>(slot: Slot, req: RequestBody): Promise<T> => {
    if (closed) return Promise.reject(new Error('face engine pool is closed'));
    if (!slot.worker) spawn(slot);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { slot, resolve: resolve as (v: unknown) => void, reject });
      slot.worker!.postMessage({ ...req, id });
    });
  };

  const ready = (slot: Slot): Promise<void> => {
    slot.ready ??= call<null>(slot, { op: 'init' }).then(() => undefined, (err: unknown) => {
      slot.ready = null;
      throw err;
    });
    return slot.ready;
  };

  /** Asks a worker to exit between model runs (see CLOSE_GRACE_MS); its unanswered calls fail on exit. */
  const leave = (worker: Worker): Promise<void> => new Promise<void>((resolve) => {
    const stop = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
    worker.once('exit', () => {
      clearTimeout(stop);
      resolve();
    });
    worker.postMessage({ op: 'close', id: 0 });
  });

  const pick = (): Slot => slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));

  /** Reserves the slot at once (so concurrent callers spread out), waits for its models, runs. */
  const run = async <T>(req: RequestBody): Promise<T> => {
    const slot = pick();
    slot.inFlight++;
    try {
      await ready(slot);
      return await call<T>(slot, req);
    } finally {
      slot.inFlight--;
    }
  };

  const info = createFaceEngine(options.engine).info();
  return {
    parallelism: size,
    async init() {
      await Promise.all(slots.map(ready));
    },
    detect(image, opts) {
      return run<DetectedFace[]>({ op: 'detect', image, options: opts });
    },
    embed(image, face, opts) {
      return run<Embedding>({ op: 'embed', image, face, options: opts });
    },
    similarity(a, b) {
      return similarityScore(a, b);
    },
    info() {
      return { ...info, detector: `${info.detector}, ${size} worker thread(s)` };
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => (s.worker ? leave(s.worker) : undefined)));
    },
  };
}
