import type { z } from 'zod';
import { decodeResult } from './decode.ts';
import { documentResult } from './document.ts';
import { duplicatesResult } from './duplicates.ts';
import { faceMatchResult } from './face-match.ts';
import { facesResult } from './faces.ts';
import { livenessResult } from './liveness.ts';
import { probeResult } from './probe.ts';
import { riskResult } from './risk.ts';
import { speechResult } from './speech.ts';

// The result schema of every pipeline stage, by stage name: what the stage must return, what is
// stored in stage_runs.result, and what every reader (later stages, views, compat APIs) gets back
// after validation. Pure zod: views import it without loading any engine.

export const STAGE_RESULTS = {
  probe: probeResult,
  document: documentResult,
  decode: decodeResult,
  faces: facesResult,
  face_match: faceMatchResult,
  duplicates: duplicatesResult,
  liveness: livenessResult,
  speech: speechResult,
  risk: riskResult,
} as const;

export type ResultName = keyof typeof STAGE_RESULTS;
export type ResultOf<N extends ResultName> = z.output<(typeof STAGE_RESULTS)[N]>;
/** Results of finished stages by name (a stage that did not run is absent). */
export type StageResults = { [N in ResultName]?: ResultOf<N> };

export const isResultName = (name: string): name is ResultName => Object.hasOwn(STAGE_RESULTS, name);
