import { verify } from 'node:crypto';
import { z } from 'zod';
import { type ChainedRecord, verifyChain } from '../domain/audit-chain.ts';
import { canonicalJson, sha256Hex } from '../domain/canonical-json.ts';
import { publicKeyFromJwk } from './signing-keys.ts';

// Offline verification of an evidence pack: no server, no database. Each check names what failed,
// so an auditor knows whether the signature, the audit chain or a file is at fault.

export interface Check { check: string; ok: boolean; detail: string }

const packShape = z.object({
  pack: z.object({
    artifacts: z.array(z.object({ kind: z.string(), ref: z.string(), sha256: z.string(), bytes: z.number() })),
    audit: z.object({ records: z.array(z.object({
      id: z.string(), seq: z.number(), action: z.string(), actor: z.string(), created_at: z.string(), details: z.unknown(), details_sha256: z.string().nullable(),
      prev_hash: z.string().nullable(), hash: z.string(),
    })) }),
    project_id: z.string(),
    session: z.object({ id: z.string() }),
    pdf: z.object({ sha256: z.string(), bytes: z.number() }).optional(),
  }).passthrough(),
  signature: z.object({ alg: z.literal('EdDSA'), kid: z.string(), value: z.string() }).passthrough(),
});

const jwksShape = z.object({ keys: z.array(z.object({ kid: z.string() }).passthrough()) });

type Files = { read(ref: string): Promise<Uint8Array | null> };

/**
 * `raw`: the pack file as parsed JSON; `jwks`: the published key set; `files`: where artifact
 * files are (ref `artifacts/<kind>` → bytes), absent to skip them; `pdf`: the PDF's bytes.
 */
export async function verifyPack(raw: unknown, jwks: unknown, opts: { files?: Files; pdf?: Uint8Array } = {}): Promise<Check[]> {
  const parsed = packShape.safeParse(raw);
  if (!parsed.success) return [{ check: 'format', ok: false, detail: `not an evidence pack: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` }];
  const keys = jwksShape.safeParse(jwks);
  const out: Check[] = [];
  const { pack, signature } = parsed.data;

  // 1. The signature over the canonical JSON of the whole pack (as it is in the file).
  const jwk = keys.success ? keys.data.keys.find((k) => k.kid === signature.kid) : undefined;
  if (!jwk) out.push({ check: 'signature', ok: false, detail: `key ${signature.kid} is not in the key set` });
  else {
    const rawPack = (raw as { pack: unknown }).pack;
    const ok = verify(null, new TextEncoder().encode(canonicalJson(rawPack)), publicKeyFromJwk(jwk), Buffer.from(signature.value, 'base64url'));
    out.push({ check: 'signature', ok, detail: ok ? `Ed25519 signature valid (key ${signature.kid})` : `Ed25519 signature does not match the pack (key ${signature.kid}): the pack was changed after signing` });
  }

  // 2. The audit chain: every record's hash and link (details checked against their hash).
  const records: ChainedRecord[] = pack.audit.records.map((r) => ({
    ...r, project_id: pack.project_id, session_id: pack.session.id, details: r.details === null || r.details === undefined ? null : JSON.stringify(r.details),
  }));
  // Details travel as parsed JSON: their hash is over the stored text, which JSON.stringify of the
  // parsed value reproduces (the server stores JSON.stringify output).
  const chain = verifyChain(records);
  out.push(chain.ok
    ? { check: 'audit_chain', ok: true, detail: `${chain.records} records, chain intact, head ${chain.head ?? '-'}` }
    : { check: 'audit_chain', ok: false, detail: `record #${chain.seq} (${chain.id}): ${chain.problem}` });

  // 3. Artifact files, when given.
  if (opts.files) {
    for (const a of pack.artifacts) {
      const bytes = await opts.files.read(a.ref);
      if (!bytes) out.push({ check: `artifact ${a.kind}`, ok: false, detail: `file ${a.ref} missing` });
      else {
        const h = sha256Hex(bytes);
        out.push(h === a.sha256
          ? { check: `artifact ${a.kind}`, ok: true, detail: `sha256 ${h}` }
          : { check: `artifact ${a.kind}`, ok: false, detail: `sha256 ${h} differs from the pack's ${a.sha256}: the file was changed` });
      }
    }
  }
  if (opts.pdf) {
    const h = sha256Hex(opts.pdf);
    out.push({ check: 'pdf', ok: h === pack.pdf?.sha256, detail: h === pack.pdf?.sha256 ? `sha256 ${h}` : `sha256 ${h} differs from the pack's ${pack.pdf?.sha256 ?? '(none)'}` });
  }
  return out;
}
