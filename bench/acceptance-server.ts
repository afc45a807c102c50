// The real vkyc server as a child process (`vkyc serve`, temp DATA_DIR, SQLite) and a client that
// calls the capture API the way the hosted page does (web/capture/src/api.ts, uploader.ts): session
// view, selfie PUT, client-info, resumable video upload (POST + PATCH chunks), complete with the
// contract body, then the integrator's GET /v1/sessions/{id} until decided.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningServer { base: string; key: string; stop(): Promise<void>; /** The server's stderr so far (warnings, a crash). */ log(): string }

async function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => r(p));
    });
  });
}

/** Starts `vkyc serve` with one job worker (the production default). */
export async function startServerProcess(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'vkyc-acceptance-'));
  const base = `http://127.0.0.1:${port}`;
  // FACE_WORKERS 1: the machine has 2 cores; the bench process itself needs the other.
  const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: base, LOG_LEVEL: 'warn', WORKERS: '1', FACE_WORKERS: '1', ...extraEnv };
  const keyOut = spawnSync(process.execPath, ['bin/vkyc.mjs', 'keys', 'create', '--project', 'acceptance', '--test'], { env, encoding: 'utf8' });
  const key = keyOut.stdout.trim();
  if (!key.startsWith('vk_test_')) throw new Error(`could not create a key: ${keyOut.stderr}`);
  const child: ChildProcess = spawn(process.execPath, ['bin/vkyc.mjs', 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 240_000); // a loaded shared machine needs minutes to compile and load
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('API docs:')) { clearTimeout(t); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`server exited (${code}):\n${stderr}`)); });
  });
  child.once('exit', (code, sig) => { if (!stopping) process.stderr.write(`vkyc serve exited (${code ?? sig}):\n${stderr.slice(-4000)}\n`); });
  let stopping = false;
  return {
    base, key, log: () => stderr,
    async stop() {
      stopping = true;
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ChallengeEvent { type: string; index: number; shown_at: number; seen_at: number | null }
export interface CompleteBody { phrase_window: { from: number; to: number } | null; challenge_events: ChallengeEvent[] }
export interface Decided { id: string; result: string; reasons: Array<{ code: string; message: string }>; full: Record<string, unknown> }

/**
 * fetch that retries once when a kept-alive socket was closed under it: media are encoded
 * synchronously between requests, long enough for the server's keep-alive timeout (5 s) to close
 * the idle socket, and the next write on it fails with EPIPE/ECONNRESET before the server reads it.
 */
async function fetch(url: string, init?: RequestInit): Promise<Response> {
  // Each failure drops one dead pooled socket; the pool holds a few (uploads run in parallel).
  for (let attempt = 1; ; attempt++) {
    try {
      return await globalThis.fetch(url, init);
    } catch (e) {
      const code = ((e as { cause?: { code?: string } }).cause?.code) ?? '';
      if (attempt >= 6 || !['EPIPE', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(code)) throw e;
    }
  }
}

async function ok(r: Response, what: string): Promise<Response> {
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${await r.text()}`);
  return r;
}

/** Same chunk size as the page's uploader (web/capture/src/uploader.ts). */
const CHUNK_BYTES = 1024 * 1024;

export class CaptureClient {
  constructor(private readonly srv: RunningServer) {}

  private api(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(this.srv.base + path, { method, headers: { authorization: `Bearer ${this.srv.key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  /** POST /v1/sessions; returns the id and the capture token of its capture_url. */
  async createSession(profile: Record<string, unknown>): Promise<{ id: string; token: string; pagePath: string }> {
    const r = await ok(await this.api('POST', '/v1/sessions', { profile, external_id: 'acceptance' }), 'create session');
    const s = (await r.json()) as { id: string; capture_url: string };
    const pagePath = new URL(s.capture_url).pathname;
    return { id: s.id, token: decodeURIComponent(pagePath.split('/').pop() ?? ''), pagePath };
  }

  /** Everything the page sends, in the page's order. */
  async capture(token: string, m: { selfie: Buffer; video: Buffer; cameraLabel: string; complete: CompleteBody | null }): Promise<{ phrase: unknown; challenges: Array<{ type: string }> }> {
    const h = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });
    const view = (await (await ok(await fetch(`${this.srv.base}/v1/capture/session`, { headers: h() }), 'capture view')).json()) as { phrase: unknown; challenges: Array<{ type: string }> };
    await ok(await fetch(`${this.srv.base}/v1/capture/selfie`, { method: 'PUT', headers: h({ 'content-type': 'image/jpeg' }), body: new Uint8Array(m.selfie) }), 'selfie');
    const info = { user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36', language: 'en-US', languages: ['en-US', 'en'], timezone: 'Europe/Berlin', screen: { width: 390, height: 844, pixel_ratio: 3 }, camera_label: m.cameraLabel };
    await ok(await fetch(`${this.srv.base}/v1/capture/client-info`, { method: 'POST', headers: h({ 'content-type': 'application/json' }), body: JSON.stringify(info) }), 'client-info');
    const up = (await (await ok(await fetch(`${this.srv.base}/v1/capture/video/uploads`, { method: 'POST', headers: h({ 'content-type': 'application/json' }), body: JSON.stringify({ content_type: 'video/webm', size: m.video.length }) }), 'start upload')).json()) as { upload_id: string };
    for (let off = 0; off < m.video.length; off += CHUNK_BYTES) {
      const chunk = m.video.subarray(off, Math.min(m.video.length, off + CHUNK_BYTES));
      await ok(await fetch(`${this.srv.base}/v1/capture/video/uploads/${up.upload_id}`, { method: 'PATCH', headers: h({ 'upload-offset': String(off), 'content-type': 'application/offset+octet-stream' }), body: new Uint8Array(chunk) }), 'upload chunk');
    }
    // The page sends '{}' today; the contract body once the page reports what it saw.
    await ok(await fetch(`${this.srv.base}/v1/capture/complete`, { method: 'POST', headers: h({ 'content-type': 'application/json' }), body: JSON.stringify(m.complete ?? {}) }), 'complete');
    return view;
  }

  async waitDecided(id: string, timeoutMs = 300_000): Promise<Decided> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const full = (await (await ok(await this.api('GET', `/v1/sessions/${id}`), 'get session')).json()) as Record<string, unknown> & { status: string; result: string | null; reasons: Decided['reasons'] };
      if (full.status === 'completed' && full.result) return { id, result: full.result, reasons: full.reasons ?? [], full };
      if (Date.now() > end) throw new Error(`session ${id} not decided after ${timeoutMs} ms (status ${full.status})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** What failed in the liveness stage (for the tables): the challenge failures and integrity checks. */
export function livenessDetail(d: Decided): unknown {
  const stages = ((d.full.verification as { stages?: Array<{ stage: string; result: Record<string, unknown> }> } | undefined)?.stages) ?? [];
  type Result = { index: number; type: string; passed: boolean; value: number | null; threshold: number; atT: number | null; baseline: Record<string, number> | null; framesWithFace: number };
  const l = stages.find((s) => s.stage === 'liveness')?.result as { findings?: Array<{ code: string; details?: unknown }>; challenges?: { results?: Result[] } } | undefined;
  // A failed challenge with what the server measured (value vs threshold, where, against which neutral).
  const measured = (l?.challenges?.results ?? []).filter((r) => !r.passed).map((r) => ({ i: r.index, type: r.type, value: round(r.value), threshold: round(r.threshold), at: r.atT, frames: r.framesWithFace, baseline: r.baseline && Object.fromEntries(Object.entries(r.baseline).map(([k, v]) => [k, round(v)])) }));
  return l?.findings?.map((f) => (f.code === 'challenge_failed' ? { code: f.code, details: f.details, measured } : f.code === 'replay_suspected' ? { code: f.code, details: f.details } : f.code));
}

const round = (x: number | null) => (x === null || !Number.isFinite(x) ? x : Math.round(x * 1000) / 1000);

/** Face-match pairs as GET /v1/sessions/{id} names them (pair, score, threshold). */
export function matchDetail(d: Decided): unknown {
  const stages = ((d.full.verification as { stages?: Array<{ stage: string; result: Record<string, unknown> }> } | undefined)?.stages) ?? [];
  const fm = stages.find((s) => s.stage === 'face_match')?.result as { pairs?: Array<Record<string, unknown>> } | undefined;
  return fm?.pairs?.map((p) => ({ pair: p.pair ?? p.name ?? `${String(p.a)}-${String(p.b)}`, score: p.score, threshold: p.threshold }));
}
