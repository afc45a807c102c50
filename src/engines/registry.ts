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

export function lazyEngines(factories: { face: () => FaceEngine; speech: () => Promise<SpeechEngines>; ocr: () => Promise<OcrEngine> }): Engines {
  return {
    face: once(async () => {
      const e = factories.face();
      await e.init();
      return e;
    }),
    speech: once(factories.speech),
    ocr: once(factories.ocr),
  };
}
