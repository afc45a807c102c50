import type { Deps } from '../deps.ts';
import { type EvidencePack, buildPackContent } from './build-pack.ts';
import { canonicalJson, sha256Hex } from '../domain/canonical-json.ts';
import { renderPackPdf } from './render-pdf.ts';
import { activeSigningKey, signBytes } from './signing-keys.ts';

// The signed evidence pack: { pack, signature }. The signature is Ed25519 over the UTF-8 bytes of
// the canonical JSON of `pack` (domain/canonical-json.ts), detached, with the key id; the PDF built
// from the same pack is named in it by its SHA-256, so the PDF is covered by the same signature.

export const WELL_KNOWN_KEYS_PATH = '/.well-known/vkyc-evidence-keys.json';

interface Signature { alg: 'EdDSA'; kid: string; value: string; canonicalization: 'sorted-keys-json'; keys_url: string }

type SignedPack = { pack: EvidencePack & { pdf: { sha256: string; bytes: number } }; signature: Signature };

export async function evidencePack(deps: Deps, projectId: string, sessionId: string): Promise<{ signed: SignedPack; pdf: Uint8Array }> {
  const { pack, images } = await buildPackContent(deps, projectId, sessionId);
  const pdf = await renderPackPdf(pack, images);
  // Signed in the form it is served: what JSON carries (no undefined, dates as strings) is what the
  // verifier will canonicalise from the file.
  const full = JSON.parse(JSON.stringify({ ...pack, pdf: { sha256: sha256Hex(pdf), bytes: pdf.length } })) as SignedPack['pack'];
  const key = await activeSigningKey(deps, projectId);
  const signature: Signature = {
    alg: 'EdDSA', kid: key.kid, value: signBytes(key, new TextEncoder().encode(canonicalJson(full))), canonicalization: 'sorted-keys-json',
    keys_url: `${deps.config.PUBLIC_URL}${WELL_KNOWN_KEYS_PATH}`,
  };
  return { signed: { pack: full, signature }, pdf };
}
