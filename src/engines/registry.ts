import type { FaceEngine } from './face/port.ts';
import type { SpeechEngines } from './speech/select.ts';

/**
 * The model engines a process uses, created on first use: an API-only process that never compares
 * faces never loads the face models (~1–2 s and a few hundred MB).
 */
export interface Engines {
  face(): Promise<FaceEngine>;
  speech(): Promise<SpeechEngines>;
}

export function lazyEngines(factories: { face: () => FaceEngine; speech: () => Promise<SpeechEngines> }): Engines {
  let face: Promise<FaceEngine> | null = null;
  let speech: Promise<SpeechEngines> | null = null;
  return {
    speech() {
      speech ??= factories.speech().catch((err) => {
        speech = null;
        throw err;
      });
      return speech;
    },
    face() {
      face ??= (async () => {
        const e = factories.face();
        await e.init();
        return e;
      })().catch((err) => {
        face = null; // let a later call retry (e.g. a transient file error)
        throw err;
      });
      return face;
    },
  };
}
