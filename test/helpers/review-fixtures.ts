import { systemActor } from '../../src/domain/actor.ts';
import type { Finding } from '../../src/domain/decision.ts';
import { execute } from '../../src/sessions/store.ts';
import type { TestRuntime } from './runtime.ts';
import { storeArtifact, submitCapture } from './session-fixtures.ts';

type Server = { baseUrl: string; apiKey: string; runtime: { deps: TestRuntime['deps'] } };

/**
 * A processed session with the pipeline's decision, without running the models: created through
 * /v1, a selfie stored, submitted, then the pipeline's `decided` command through the session store
 * with the given findings (no findings: approved; a decline finding: declined).
 */
export async function decidedSession(server: Server, projectId: string, apiKey: string, o: {
  findings?: Array<Pick<Finding, 'code' | 'message' | 'stage'> & { details?: unknown }>; faceScore?: number | null; externalId?: string; accountId?: string; language?: string;
  /** More artifacts stored before the submit (e.g. a video to seek in). */
  extra?: Array<{ kind: string; bytes: Uint8Array; contentType: string }>;
} = {}): Promise<string> {
  const res = await fetch(`${server.baseUrl}/v1/sessions`, {
    method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ profile: { steps: ['selfie'], ...(o.language ? { video_language: o.language } : {}) }, ...(o.externalId ? { external_id: o.externalId } : {}), ...(o.accountId ? { account_id: o.accountId } : {}) }),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`create: ${res.status} ${await res.text()}`);
  const sid = ((await res.json()) as { id: string }).id;
  const rt = { deps: server.runtime.deps, projectId } as unknown as TestRuntime;
  await storeArtifact(rt, sid, 'selfie', new Uint8Array([0xff, 0xd8, 0xff]));
  for (const a of o.extra ?? []) await storeArtifact(rt, sid, a.kind, a.bytes, a.contentType);
  await submitCapture(rt, sid);
  const numbers = o.faceScore === undefined || o.faceScore === null ? {} : { face_match_score: o.faceScore };
  await execute(server.runtime.deps, { projectId, sessionId: sid }, { type: 'decided', findings: (o.findings ?? []) as Finding[], numbers }, systemActor(projectId, 'pipeline'));
  return sid;
}

export const FACE_MISMATCH = { code: 'face_mismatch', message: 'the faces differ', stage: 'face_match' } as const;
export const UNCERTAIN = { code: 'face_match_uncertain', message: 'between the bars', stage: 'face_match' } as const;
