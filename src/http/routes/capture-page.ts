import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';
import { errorStatus, type ErrorCode } from '../../domain/errors.ts';

// Static routes of the hosted capture page, ready to mount as one of createApp's `publicRoutes`:
//   GET /capture/:token          → index.html (the page reads the token from its own URL)
//   GET /assets/capture/:file    → the bundle `npm run build:web` wrote into outDir
//   GET /assets/human/...        → Human's browser build, its models and the tfjs WASM binaries
// Only whitelisted file names are served (no path joins with user input beyond a strict regex).
// COOP/COEP make the page cross-origin isolated so tfjs can use WASM threads; the CSP allows
// nothing but our own origin (plus blob:/mediastream: for camera previews and stills).

interface CaptureAssetOptions {
  /** Directory written by `npm run build:web` (web/capture/build.ts). */
  outDir: string;
  /** Project root holding node_modules (Human and tfjs-backend-wasm). */
  projectRoot: string;
  /**
   * The origins that may frame the page of this capture token (the project's allowed_origins);
   * absent or empty: nobody ('none'). A token that does not verify resolves to [].
   */
  frameAncestors?: (token: string) => Promise<string[]>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
};

const CSP_BASE = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets tfjs compile its WASM backend; no JS eval is allowed;
  // blob: because tfjs's threaded WASM backend starts its pthread workers from blob URLs that
  // importScripts() other blob URLs (only reachable by code already running on the page).
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** The page's CSP; `frame-ancestors` lists the embedding origins (validated https origins, settings.ts). */
export const captureCsp = (origins: readonly string[] = []) => [...CSP_BASE, `frame-ancestors ${origins.length ? origins.join(' ') : "'none'"}`].join('; ');
export const CAPTURE_CSP = captureCsp();

const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

const MODEL_FILE = /^[a-z0-9-]+\.(json|bin)$/;
const WASM_FILE = /^tfjs-backend-wasm(-simd|-threaded-simd)?\.wasm$/;
const CAPTURE_FILE = /^(app\.js|styles\.css)$/;
/** The embed script: a day of caching (its bytes change only with a release), readable cross-origin for SRI (docs/embed.md). */
const EMBED_HEADERS = { 'cache-control': 'public, max-age=86400', 'cross-origin-resource-policy': 'cross-origin', 'access-control-allow-origin': '*' };

const errorResponse = (code: ErrorCode, message: string) =>
  new Response(JSON.stringify({ error: { code, message } }), { status: errorStatus[code], headers: { 'content-type': 'application/json' } });

export function captureAssetRoutes(o: CaptureAssetOptions): Hono {
  const app = new Hono();
  const human = path.join(o.projectRoot, 'node_modules/@vladmandic/human');
  const wasmDir = path.join(o.projectRoot, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  // Headers go into the constructor: set afterwards through `res.headers`, @hono/node-server's
  // Response could drop them over a real socket (src/http/security-headers.ts says why).
  const send = async (file: string, cache: string, extra: Record<string, string> = {}): Promise<Response> => {
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': cache, ...ISOLATION, ...extra } });
    } catch {
      // The page's own files missing means the bundle was never built: say so (a 404 would read
      // as a bad link), without the server path in the answer.
      if (file.startsWith(o.outDir)) return errorResponse('capture_page_not_built', 'the capture page is not built on this server: run `npm run build:web`');
      return errorResponse('not_found', 'no such asset');
    }
  };

  app.get('/capture/:token', async (c) => {
    const origins = o.frameAncestors ? await o.frameAncestors(c.req.param('token')) : [];
    return send(path.join(o.outDir, 'index.html'), 'no-store', { 'content-security-policy': captureCsp(origins), 'x-robots-tag': 'noindex, nofollow' });
  });
  app.get('/embed.js', async () => {
    const res = await send(path.join(o.outDir, 'embed.js'), EMBED_HEADERS['cache-control']);
    if (!res.ok) return res;
    // The isolation headers of the page itself would stop other origins from loading the script.
    return new Response(res.body, { headers: { 'content-type': TYPES['.js']!, ...EMBED_HEADERS } });
  });
  // The bundle is not content-hashed: revalidate each time (cheap with a warm connection).
  app.get('/assets/capture/:file', (c) => (CAPTURE_FILE.test(c.req.param('file')) ? send(path.join(o.outDir, c.req.param('file')), 'no-cache') : c.notFound()));
  // Human's files change only with the npm package version: a day of caching is safe.
  const day = 'public, max-age=86400';
  app.get('/assets/human/human.esm.js', () => send(path.join(human, 'dist/human.esm.js'), day));
  app.get('/assets/human/models/:file', (c) => (MODEL_FILE.test(c.req.param('file')) ? send(path.join(human, 'models', c.req.param('file')), day) : c.notFound()));
  app.get('/assets/human/:file', (c) => (WASM_FILE.test(c.req.param('file')) ? send(path.join(wasmDir, c.req.param('file')), day) : c.notFound()));
  return app;
}
