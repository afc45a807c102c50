import { buffer } from 'node:stream/consumers';
import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { isMatch, MATCH_THRESHOLD } from '../domain/face-match.ts';
import { DEFAULT_CHALLENGE_THRESHOLDS as TH } from '../domain/liveness-challenges.ts';
import type { Deps } from '../deps.ts';
import type { Embedding } from '../engines/face/port.ts';
import { decodeImage } from '../engines/face/image.ts';
import { documentPortrait } from '../faces/document-portrait.ts';
import { detectForMatching, embedForMatching, embedSingleFace, largest } from '../faces/face-for-matching.ts';
import { patchCall } from './pool-store.ts';
import { requireCallAccess } from './workspace.ts';

// The workspace's live face check: frames the agent's console samples from the user's video
// (~1 every 2 s, full resolution: the relay does not transcode) go through the same face engine
// and matching code as self-record (src/faces), against the selfie and the document portrait, and
// give liveness hints over the recent samples. Hints for a human, not a decision.

/** 4 MB of JPEG: a 1920×1080 frame at q90 is ~0.5 MB. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;
export const frameBody = z.strictObject({
  image: z.string().max(Math.ceil((MAX_FRAME_BYTES * 4) / 3) + 64).regex(/^data:image\/(jpeg|png);base64,[A-Za-z0-9+/=]+$/, 'a data URL of a JPEG or PNG image'),
});

/** Samples the hints look back on: 10 × 2 s = the last 20 s of the call. */
const WINDOW = 10;

interface Sample { yaw: number | null; eyeOpen: number | null }
interface References { selfie: Embedding | null; document: Embedding | null }

export class LiveFace {
  private readonly refs = new Map<string, Promise<References>>();
  private readonly recent = new Map<string, Sample[]>();

  constructor(private readonly deps: Deps, private readonly push: (agentId: string, m: Record<string, unknown>) => void) {}

  async sample(actor: Actor, sessionId: string, body: z.infer<typeof frameBody>) {
    await requireCallAccess(this.deps, actor, sessionId);
    const bytes = Buffer.from(body.image.slice(body.image.indexOf(',') + 1), 'base64');
    if (bytes.length > MAX_FRAME_BYTES) throw new AppError('validation_failed', 'the frame is larger than 4 MB');
    const engine = await this.deps.engines.face();
    await engine.init();
    const image = await decodeImage(bytes).catch(() => {
      throw new AppError('validation_failed', 'the frame is not a decodable image');
    });
    const found = await detectForMatching(engine, image);
    const main = largest(found.faces);
    const refs = await this.references(actor.projectId, sessionId);
    const emb = main ? await embedForMatching(engine, found.image, main) : null;
    const match = (ref: Embedding | null) => {
      if (!ref || !emb) return null;
      const score = Math.round(engine.similarity(emb, ref) * 10) / 10;
      return { score, threshold: MATCH_THRESHOLD, outcome: isMatch(score) ? 'match' : 'mismatch' };
    };
    const mesh = main && main.landmarks.length > 0;
    const s: Sample = { yaw: mesh ? main.pose.yaw : null, eyeOpen: mesh ? (main.eyeOpenLeft + main.eyeOpenRight) / 2 : null };
    const recent = [...(this.recent.get(sessionId) ?? []), s].slice(-WINDOW);
    this.recent.set(sessionId, recent);
    const yaws = recent.map((r) => r.yaw).filter((v): v is number => v !== null && Number.isFinite(v));
    const eyes = recent.map((r) => r.eyeOpen).filter((v): v is number => v !== null && Number.isFinite(v));
    const face = {
      face_present: main !== undefined, faces: found.faces.length,
      match_selfie: match(refs.selfie), match_document: match(refs.document),
      // Same thresholds as the self-record challenges (domain/liveness-challenges.ts): a turn of
      // yawDeg, eyes losing eyeClosedRatio of their openness; over the window, not one frame.
      head_moved: yaws.length >= 2 ? Math.max(...yaws) - Math.min(...yaws) >= TH.yawDeg : null,
      blink: eyes.length >= 2 ? Math.min(...eyes) <= Math.max(...eyes) * (1 - TH.eyeClosedRatio) : null,
      samples: recent.length,
      at: this.deps.clock.now().toISOString(),
    };
    await patchCall(this.deps.db, actor.projectId, sessionId, { face }, this.deps.clock.now());
    this.push(actor.id, { type: 'workspace', session_id: sessionId, face });
    return { face };
  }

  /** The selfie's and the document portrait's embeddings, computed once per session. */
  private references(projectId: string, sessionId: string): Promise<References> {
    let r = this.refs.get(sessionId);
    if (!r) {
      r = this.loadReferences(projectId, sessionId);
      this.refs.set(sessionId, r);
      r.catch(() => this.refs.delete(sessionId));
      // Bounded: a long-running server forgets old sessions' references.
      if (this.refs.size > 200) this.refs.delete(this.refs.keys().next().value!);
    }
    return r;
  }

  private async loadReferences(projectId: string, sessionId: string): Promise<References> {
    const engine = await this.deps.engines.face();
    const read = async (kind: string) => {
      const a = await this.deps.db.selectFrom('artifacts').select('blob_key').where('project_id', '=', projectId).where('session_id', '=', sessionId).where('kind', '=', kind).executeTakeFirst();
      return a ? decodeImage(await buffer(await this.deps.blobs.get(a.blob_key))) : null;
    };
    const selfieImg = await read('selfie');
    const selfie = selfieImg ? await embedSingleFace(engine, selfieImg, 'selfie').then((f) => f.embedding, () => null) : null;
    const docImg = await read('document_front');
    const portrait = docImg ? await documentPortrait(engine, docImg) : null;
    const document = portrait ? await engine.embed(portrait.crop, portrait.face) : null;
    return { selfie, document };
  }

  forget(sessionId: string) {
    this.refs.delete(sessionId);
    this.recent.delete(sessionId);
  }
}
