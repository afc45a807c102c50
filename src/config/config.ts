import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { z } from 'zod';

// Every setting vkyc reads, validated once at start. Defaults are the embedded mode: SQLite file +
// local blobs under ./data, in-process workers, zero configuration.

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** One STUN/TURN server as RTCPeerConnection takes it; TURN needs its credentials. */
const iceServerSchema = z.strictObject({
  urls: z.union([z.string(), z.array(z.string()).min(1)]).transform((u) => (Array.isArray(u) ? u : [u])).refine((u) => u.every((x) => /^(stun|stuns|turn|turns):[^\s]+$/.test(x)), 'each url must start with stun:, stuns:, turn: or turns:'),
  username: z.string().max(256).optional(),
  credential: z.string().max(256).optional(),
}).refine((s) => !s.urls.some((u) => u.startsWith('turn')) || (s.username !== undefined && s.credential !== undefined), 'a TURN server needs username and credential');
const iceServersSchema = z.array(iceServerSchema).max(8);
export type IceServer = z.infer<typeof iceServerSchema>;

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** Base URL people and webhooks see (capture links, media URLs). Defaults to http://HOST:PORT. */
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().default('./data'),
  /** postgres://… selects PostgreSQL; absent → SQLite at DATA_DIR/vkyc.sqlite. */
  DATABASE_URL: z.string().optional(),
  /**
   * Secret for signing capture tokens, media URLs and liveness tokens. When absent one is generated
   * on first start and kept in DATA_DIR/secret.key (mode 0600) so links survive restarts.
   */
  VKYC_SECRET: z.string().min(32).optional(),
  /** 64 hex chars: encrypt blobs at rest with AES-256-GCM. */
  BLOB_ENCRYPTION_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/).optional(),
  /**
   * Where blobs live. Absent: local files under DATA_DIR/blobs (one machine). `s3://bucket/prefix`:
   * an S3-compatible object store shared by every node (storage/s3-blobs.ts), with the S3_* settings.
   */
  BLOB_URL: z.string().regex(/^s3:\/\/[^/]+(\/.*)?$/, 'must look like s3://bucket or s3://bucket/prefix').optional(),
  /** S3 API endpoint for MinIO, Ceph RGW, R2…; absent = AWS for S3_REGION. */
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  /** Static credentials; absent = the AWS SDK's default chain (AWS_* env, instance role, …). */
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Path-style bucket addressing; default true with S3_ENDPOINT (most self-hosted stores), else false. */
  S3_FORCE_PATH_STYLE: bool.optional(),
  /** Server-side encryption the store applies to each object. */
  S3_SSE: z.enum(['AES256', 'aws:kms']).optional(),
  S3_SSE_KMS_KEY_ID: z.string().optional(),
  /**
   * How signed media URLs are answered: `proxy` (default) streams the bytes through vkyc, verified;
   * `presigned` answers the still-valid vkyc link with a redirect to a short-lived presigned URL of
   * the object store, so large videos do not pass through the API nodes. Needs BLOB_URL and no
   * BLOB_ENCRYPTION_KEY (the store could not decrypt client-side encryption).
   */
  MEDIA_DELIVERY: z.enum(['proxy', 'presigned']).default('proxy'),
  /**
   * redis://… (or rediss://): state several API nodes must share lives in Redis — rate-limit
   * windows today. Absent: each process keeps its own.
   */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** Prefix of every vkyc key in Redis, so deployments can share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/).default('vkyc:'),
  WORKERS: z.coerce.number().int().min(0).max(32).default(1),
  /**
   * Face-model worker threads per process (each ~280 MB RSS with its models). Default: one per core, at most
   * 4. tfjs WASM uses one core per engine, so this is what lets one video, compare or liveness check
   * use every core. 0 = no threads: the models run on the main thread.
   */
  FACE_WORKERS: z.coerce.number().int().min(0).max(16).default(Math.min(4, availableParallelism())),
  /**
   * Where the face models run: onnx (onnxruntime-node's native kernels, default) or tfjs (tfjs WASM,
   * as Human and face-api ship, kept as the fallback). It covers Human's detector, mesh, iris,
   * expressions, anti-spoof and liveness models (converted from their tfjs graphs at load) and the
   * 128-d identity network (written from face-api's weights at load): 4–8× less CPU per model run,
   * the same outputs within float rounding, ~+50–100 MB RSS per face worker. Measured in
   * docs/model-card-faces.md, "Session 11".
   */
  FACE_RUNTIME: z.enum(['onnx', 'tfjs']).default('onnx'),
  /** Allow webhook targets on private/loopback networks (tests, closed deployments). */
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  /**
   * Webhook delivery slots per process, separate from WORKERS (verification): a receiver that never
   * answers holds a delivery slot for at most the 10 s attempt timeout and never a verification slot.
   * 4: a slot mostly waits on the network (no CPU), so slots are cheap; 4 with 2 per project below
   * keeps deliveries of at least two projects moving while another project's receivers hang.
   */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** At most this many delivery slots per project at once, counted over all processes sharing the database (default half of 4), so one project's slow receivers cannot take them all. */
  WEBHOOK_PROJECT_SLOTS: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * The job queue: `sql` (the jobs table of the database) or `bullmq` (BullMQ on REDIS_URL). Default:
   * bullmq when REDIS_URL is set, else sql. Every process of a deployment must use the same one.
   */
  QUEUE: z.enum(['sql', 'bullmq']).optional(),
  /** Serves GET /metrics on the API port to `Authorization: Bearer <token>` (docs/scale-out.md). 16+ chars. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').max(256).optional(),
  /** A separate listener for /metrics, /healthz and /readyz without auth (worker processes are scraped here). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Where METRICS_PORT listens: loopback by default, since it has no auth. */
  METRICS_HOST: z.string().default('127.0.0.1'),
  MEDIA_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86400).default(3600),
  MAX_IMAGE_BYTES: z.coerce.number().int().positive().default(15 * 1024 * 1024),
  MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(40_000_000),
  MAX_VIDEO_BYTES: z.coerce.number().int().positive().default(200 * 1024 * 1024),
  FFMPEG_PATH: z.string().default('ffmpeg'),
  FFPROBE_PATH: z.string().default('ffprobe'),
  /**
   * Frames per second decoded from videos. The face stage analyses every decoded frame only inside
   * blink windows (2.5/s in other prompt windows, 1/s elsewhere: stages/faces.ts). 10: a blink lasts
   * 100–400 ms; bench:liveness found 3 of 3 genuine blinks at 10 fps against 1 of 3 at 5 fps.
   */
  FRAME_RATE: z.coerce.number().positive().max(30).default(10),
  /**
   * Refuse unusable selfies (no face, face too small, blurred, eyes closed) and document photos
   * (glare, blurred) at upload with 422 and a clear code (sessions/image-quality.ts). On by default.
   */
  UPLOAD_QUALITY_GATES: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Requests per minute per capture token (or client address) on the capture API. */
  CAPTURE_RATE_LIMIT: z.coerce.number().int().positive().default(600),
  /**
   * Proxies whose X-Forwarded-For is believed: a comma list of addresses or CIDRs (e.g.
   * `127.0.0.1,10.0.0.0/8`). Default none: the socket peer is the client (rate limits key on it).
   */
  TRUST_PROXY: z.string().default('').transform((v, ctx) => {
    const entries = v.split(',').map((e) => e.trim()).filter(Boolean);
    for (const e of entries) if (!isAddressOrCidr(e)) ctx.addIssue({ code: 'custom', message: `"${e}" is not an IP address or CIDR` });
    return entries;
  }),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /**
   * A session still `processing` this long after submission, with no verify job queued or running,
   * ends as needs_review/processing_failed (3× this long: ended even if a job keeps coming back).
   * 1800 s = 2 × the verify job's 15 min timeout.
   */
  PROCESSING_TIMEOUT_SECONDS: z.coerce.number().int().min(60).default(1800),
  /**
   * STUN/TURN servers for live calls, as JSON: `[{"urls":["turn:turn.example.com:3478"],"username":"u","credential":"p"}]`.
   * Given to both browsers and to the server's own WebRTC peers (calls/ice-servers.ts validates it).
   * Default none: host candidates only (one LAN, or the server on a public address).
   */
  ICE_SERVERS: z.string().default('[]').transform((v, ctx) => {
    let json: unknown;
    try {
      json = JSON.parse(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON: [{"urls":["stun:host:3478"]}]' });
      return z.NEVER;
    }
    const r = iceServersSchema.safeParse(json);
    if (!r.success) {
      ctx.addIssue({ code: 'custom', message: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return z.NEVER;
    }
    return r.data;
  }),
  /**
   * Extra host addresses the server's WebRTC peers announce, comma-separated: the public address of a
   * server behind 1:1 NAT, or 127.0.0.1 for tests (werift skips loopback interfaces by itself).
   */
  CALL_HOST_ADDRESSES: z.string().default('').transform((v) => v.split(',').map((e) => e.trim()).filter(Boolean)),
  /** UDP port range of the call media (`50000-50199`), for firewalls; absent = any ephemeral port. */
  CALL_UDP_PORTS: z.string().regex(/^\d{1,5}-\d{1,5}$/, 'must look like 50000-50199').optional(),
  /** A participant who drops (reload, network) may rejoin the same call within this many seconds. */
  CALL_GRACE_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  /** Delete artifacts of finished sessions after this many days (0 = keep). */
  RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
});

function isAddressOrCidr(e: string): boolean {
  const [addr = '', bits, extra] = e.split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

export type Config = z.infer<typeof configSchema> & { PUBLIC_URL: string };

export class ConfigError extends Error {}

/** Pure: environment → validated config. Throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const known = Object.fromEntries(
    Object.keys(configSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const conflicts = [
    c.MEDIA_DELIVERY === 'presigned' && !c.BLOB_URL ? 'MEDIA_DELIVERY=presigned needs BLOB_URL=s3://…' : null,
    c.MEDIA_DELIVERY === 'presigned' && c.BLOB_ENCRYPTION_KEY ? 'MEDIA_DELIVERY=presigned cannot serve blobs encrypted with BLOB_ENCRYPTION_KEY (use S3_SSE for encryption at rest)' : null,
    Boolean(c.S3_ACCESS_KEY_ID) !== Boolean(c.S3_SECRET_ACCESS_KEY) ? 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together' : null,
    c.QUEUE === 'bullmq' && !c.REDIS_URL ? 'QUEUE=bullmq needs REDIS_URL=redis://…' : null,
  ].filter(Boolean);
  if (conflicts.length) throw new ConfigError(`invalid configuration:\n${conflicts.map((l) => `  ${l}`).join('\n')}`);
  const publicUrl = (c.PUBLIC_URL ?? `http://${c.HOST === '0.0.0.0' ? '127.0.0.1' : c.HOST}:${c.PORT}`).replace(/\/$/, '');
  return { ...c, PUBLIC_URL: publicUrl };
}
