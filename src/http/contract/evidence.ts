import { z } from 'zod';
import { jsonObject, named, nullableTimestamp, timestamp } from './registry.ts';
import { AuditTrail } from './sessions.ts';

// Evidence answers: the signed pack of a decided session and the published verification keys.

const sha256 = z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256, hex');
const frame = z.object({ kind: z.string(), ref: z.string(), sha256 });

const Artifact = z.object({
  kind: z.string(), ref: z.string().describe('Name of the file in an export: artifacts/<kind> (what --artifacts DIR holds for the verifier)'),
  content_type: z.string(), bytes: z.number().int(), sha256: sha256.describe('SHA-256 of the plaintext bytes'), created_at: timestamp,
});

const Jwk = z.object({
  kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string().describe('public key, base64url'), kid: z.string(), alg: z.literal('EdDSA'), use: z.literal('sig'),
});

export const EvidencePack = named('EvidencePack', z.object({
  pack: z.object({
    format: z.literal('vkyc.evidence-pack'),
    version: z.literal(1),
    issuer: z.string().describe('PUBLIC_URL of the server that signed it'),
    project_id: z.string(),
    as_of: timestamp.describe('The session state the pack documents (its last change): the same state gives the same pack and PDF'),
    session: z.looseObject({ id: z.string(), status: z.string(), state: z.string(), result: z.string().nullable(), created_at: timestamp, completed_at: nullableTimestamp }),
    decision: z.looseObject({ result: z.string(), decided_by: z.string(), decided_at: timestamp }),
    decision_history: z.array(z.object({
      seq: z.number().int(), at: timestamp, action: z.string(), actor: z.string().describe('Who decided (audit actor: key id, user id, or auto)'),
      result: z.string().nullable(), previous_result: z.string().nullable(), reviewed_by: z.unknown(), notes: z.string().nullable(), reasons: z.unknown(),
    })),
    reasons: z.array(z.object({ code: z.string(), message: z.string(), stage: z.string().nullable(), details: z.unknown(), evidence_frames: z.array(frame).describe('The captured images that show what the reason is about') })),
    scores: z.object({ face_match: z.unknown(), liveness: z.unknown(), speech: z.unknown(), risk: z.unknown() }).describe('Each score next to the threshold it was compared with'),
    models: z.object({
      recorded_by_stages: z.array(z.object({ stage: z.string(), field: z.string(), name: z.string() })).describe('Model names the stages recorded in their results'),
      server: z.record(z.string(), z.string().nullable()).describe('Models and versions this server runs'),
    }),
    stages: z.array(z.object({ stage: z.string(), status: z.string(), attempts: z.number().int(), started_at: nullableTimestamp, finished_at: nullableTimestamp, result: jsonObject.nullable() })),
    artifacts: z.array(Artifact),
    audit: z.object({
      chain_version: z.literal(1), verified_by_server: z.boolean(), head: z.string().nullable(),
      records: AuditTrail.shape.data,
    }),
    pdf: z.object({ sha256, bytes: z.number().int() }).describe('The PDF at …/evidence-pack/pdf for the same state'),
  }),
  signature: z.object({
    alg: z.literal('EdDSA'), kid: z.string(), value: z.string().describe('Ed25519 signature, base64url, over the UTF-8 canonical JSON of `pack` (keys sorted, no whitespace)'),
    canonicalization: z.literal('sorted-keys-json'), keys_url: z.string().describe('Where the public keys are published'),
  }),
}), { description: 'A decided session\'s case file, signed with the project\'s Ed25519 key (docs/evidence.md)' });

export const EvidenceKeys = named('EvidenceKeys', z.object({
  keys: z.array(Jwk.extend({ created_at: timestamp, retired_at: nullableTimestamp.describe('Retired keys stay published: packs signed before a rotation still verify') })),
}), { description: 'JWK set of every project\'s evidence-pack keys', example: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'evk_3f9c…', alg: 'EdDSA', use: 'sig', created_at: '2026-01-05T10:00:00.000Z', retired_at: null }] } });
