import type { FaceEngine } from './face/port.ts';
import type { SpeechEngines } from './speech/select.ts';
import type { OcrEngine } from './ocr/port.ts';

/**
 * The model engines a process uses, created on first use: an API-only process that never compares
 * faces never loads the face models (~1–2 s and a few hundred MB).
 */
export interface Engines {
  face(): Promise<FaceEngine>;
  speech(): Promise<SpeechEngines>;
  ocr(): Promise<OcrEngine>;
  /** Stops what the engines started (face worker threads); engines not yet created are left alone. */
  close(): Promise<void>;
}

/** Memoises an async factory; a failure is not cached, so a later call retries. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => {
    p ??= make().catch((err) => {
      p = null;
      throw err;
    });
    return p;
  };
}

export function lazyEngines(factories: { face: () => FaceEngine & { close?(): Promise<void> }; speech: () => Promise<SpeechEngines>; ocr: () => Promise<OcrEngine> }): Engines {
  let face: (FaceEngine & { close?(): Promise<void> }) | null = null;
  return {
    face: once(async () => {
      face ??= factories.face();
      await face.init();
      return face;
    }),
    async close() {
      await face?.close?.();
    },
    speech: once(factories.speech),
    ocr: once(factories.ocr),
  };
}
