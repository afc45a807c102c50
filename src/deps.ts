import type { Config } from './config/config.ts';
import type { MediaTools } from './engines/media/ffmpeg.ts';
import type { Engines } from './engines/registry.ts';
import type { Clock } from './domain/time.ts';
import type { Logger } from './log.ts';
import type { JobQueue } from './queue/port.ts';
import type { OutboxRelay } from './outbox/relay.ts';
import type { RealtimeBus } from './realtime/port.ts';
import type { BlobStore } from './storage/blob-port.ts';
import type { Db } from './storage/db.ts';
import type { RiskRuntime } from './risk/runtime.ts';
import type { FaceIndex } from './duplicates/face-index.ts';
import type { RateWindows } from './limits/rate-windows.ts';
import type { TemplateCodec } from './duplicates/template-codec.ts';
import type { Metrics } from './metrics/port.ts';

/**
 * Name resolution for outgoing webhooks (all addresses of a host); tests pass a fake to aim public
 * names at local receivers. A port here, not in webhooks/, so this file imports no use-case room.
 */
export type Lookup = (host: string) => Promise<Array<{ address: string; family: number }>>;

/** What use cases receive: plain objects, wired once in main.ts. */
export interface Deps {
  db: Db;
  blobs: BlobStore;
  queue: JobQueue;
  /** Hands committed outbox rows (jobs, realtime events) to the queue and the bus (outbox/relay.ts). */
  relay: OutboxRelay;
  /** Realtime events of a project's sessions (in-process, or Redis pub/sub across nodes with REDIS_URL). */
  realtime: RealtimeBus;
  clock: Clock;
  config: Config;
  log: Logger;
  /** Signing secret (capture tokens, media URLs, liveness tokens). */
  secret: string;
  media: MediaTools;
  engines: Engines;
  lookup?: Lookup;
  /** Per-attempt webhook timeout: connect + TLS + response status (webhooks/deliver.ts). */
  webhookTimeoutMs: number;
  /** IP databases, risk policy, trusted proxies for the risk stage (absent: the stage is skipped). */
  risk?: RiskRuntime;
  /** Duplicate-face search (1:N) over the face_templates table. */
  faceIndex: FaceIndex;
  /** Seals face templates at rest when BLOB_ENCRYPTION_KEY is set. */
  templateCodec: TemplateCodec;
  /** Rate-limit windows: in memory, or shared by every node in Redis (REDIS_URL). */
  limits: RateWindows;
  /** Prometheus counters and histograms (metrics/prometheus.ts); absent: nothing is recorded. */
  metrics?: Metrics;
}
