import { Hono, type Context, type Env, type MiddlewareHandler } from 'hono';
import { parseTrustedProxies } from '../../config/trusted-proxies.ts';
import type { Deps } from '../../deps.ts';
import { evidencePack, WELL_KNOWN_KEYS_PATH } from '../../evidence/sign-pack.ts';
import { publishedKeys } from '../../evidence/signing-keys.ts';
import { EvidenceKeys, EvidencePack } from '../contract/evidence.ts';
import { dashboardSession, type DashVars } from '../dashboard/auth.ts';
import { fails, ok, type RouteDoc } from '../openapi.ts';

const notFound = fails('No such session in this project, or erased (its audit trail stays at …/audit)', 'session_not_found');
const notDecided = fails('The session has no decision yet', 'session_not_decided');

export const evidenceDocs: RouteDoc[] = [
  { method: 'get', path: '/v1/sessions/{id}/evidence-pack', tag: 'evidence', auth: 'apiKey', summary: 'Signed evidence pack of a decided session (JSON)',
    description: 'Artifact hashes (SHA-256 of the plaintext), model names and versions, scores and thresholds, reasons with their evidence frames, the decision history with actors and the hash-chained audit trail, signed with the project\'s Ed25519 key (made on first use; public keys at ' + WELL_KNOWN_KEYS_PATH + '). `pack.pdf.sha256` names the PDF of …/evidence-pack/pdf. Check offline with `vkyc evidence verify pack.json`.',
    responses: { 200: ok(EvidencePack, 'The signed pack'), 404: notFound, 409: notDecided } },
  { method: 'get', path: '/v1/sessions/{id}/evidence-pack/pdf', tag: 'evidence', auth: 'apiKey', summary: 'The evidence pack\'s human-readable PDF (its SHA-256 is in the signed JSON)',
    responses: { 200: { description: 'The PDF', binary: ['application/pdf'] }, 404: notFound, 409: notDecided } },
];

export const wellKnownDocs: RouteDoc[] = [
  { method: 'get', path: WELL_KNOWN_KEYS_PATH, tag: 'evidence', auth: 'none', summary: 'Public keys that verify evidence packs (JWK set; retired keys included)',
    responses: { 200: ok(EvidenceKeys, 'The key set') } },
];

/**
 * `/:id/evidence-pack` and `/:id/evidence-pack/pdf` for any caller that knows its project: mounted
 * under /v1/sessions (API key) and, for signed-in users, under /dashboard/api/sessions.
 */
export function evidencePackRoutes<E extends Env>(deps: Deps, projectOf: (c: Context<E>) => string) {
  const app = new Hono<E>();
  app.get('/:id/evidence-pack', async (c) => c.json((await evidencePack(deps, projectOf(c), c.req.param('id'))).signed));
  app.get('/:id/evidence-pack/pdf', async (c) => {
    const id = c.req.param('id');
    const { pdf } = await evidencePack(deps, projectOf(c), id);
    return c.body(pdf as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="evidence-${id}.pdf"` });
  });
  return app;
}

/** The published keys: public, cacheable for a short while (a rotation shows within 5 minutes). */
export function wellKnownRoutes(deps: Deps) {
  const app = new Hono();
  app.get(WELL_KNOWN_KEYS_PATH, async (c) => c.json(await publishedKeys(deps.db), 200, { 'cache-control': 'public, max-age=300' }));
  return app;
}

/**
 * The same packs for signed-in dashboard users (every role reads, as with sessions), at
 * /dashboard/api/sessions/{id}/evidence-pack[/pdf]: its own app with the dashboard's cookie check,
 * so the dashboard module needs no change to offer it.
 */
export function dashboardEvidenceRoutes(deps: Deps) {
  const app = new Hono<{ Variables: DashVars }>();
  const trusted = parseTrustedProxies(deps.config.TRUST_PROXY);
  app.use('/dashboard/api/sessions/:id/evidence-pack/*', noStore, dashboardSession(deps, trusted));
  app.use('/dashboard/api/sessions/:id/evidence-pack', noStore, dashboardSession(deps, trusted));
  app.route('/dashboard/api/sessions', evidencePackRoutes<{ Variables: DashVars }>(deps, (c) => c.get('actor').projectId));
  const outer = new Hono();
  outer.route('/', app);
  return outer;
}

/** Packs name people: no cache keeps them (as every dashboard answer). */
const noStore: MiddlewareHandler = async (c, next) => {
  c.header('cache-control', 'no-store');
  await next();
};
