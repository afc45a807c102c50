import { chmod, mkdir } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';
import { join } from 'node:path';
import type { Config } from './config/config.ts';
import { loadOrCreateSecret } from './storage/server-secret.ts';
import type { Deps } from './deps.ts';
import { type Clock, systemClock } from './domain/time.ts';
import { createApp, type AppExtras } from './http/app.ts';
import type { Vars } from './http/auth.ts';
import { pageRoutes } from './http/routes/pages.ts';
import { frameAncestorsOf, handoffDocs, handoffRoutes } from './http/routes/handoff.ts';
import { dashboardApi } from './http/dashboard/index.ts';
import { faceDocs, faceRoutes } from './http/routes/faces.ts';
import { documentDocs, documentRoutes } from './http/routes/documents.ts';
import { zolozDocs, zolozRoutes } from './http/compat/zoloz.ts';
import { verilockDocs, verilockRoutes } from './http/compat/verilock.ts';
import { amlkycDocs, amlkycRoutes } from './http/compat/amlkyc.ts';
import { verisoulDocs, verisoulRoutes } from './http/compat/verisoul.ts';
import { livenessApiRoutes, livenessDocs, livenessPublicRoutes } from './http/routes/liveness.ts';
import { lazyEngines } from './engines/registry.ts';
import { createFaceEngine } from './engines/face/human-faceapi.ts';
import { createFaceEnginePool } from './engines/face/worker-pool.ts';
import { createSpeechEngines, speechConfigFromEnv } from './engines/speech/select.ts';
import { createPaddleOcr } from './engines/ocr/paddle.ts';
import { createLogger, infoAsDebug, type Logger } from './log.ts';
import { catalogue, type GiveUpHandlers, JOB_CLASSES, type JobClass, type JobHandlers } from './queue/catalogue.ts';
import { createSqlQueue } from './queue/sql-queue.ts';
import { createBullmqQueue } from './queue/bullmq-queue.ts';
import type { JobQueue } from './queue/port.ts';
import { createPrometheusMetrics, type PrometheusMetrics } from './metrics/prometheus.ts';
import { createReadiness, type Readiness } from './metrics/readiness.ts';
import { Redis } from 'ioredis';
import { createOutboxRelay } from './outbox/relay.ts';
import { createMemoryBus } from './realtime/memory-bus.ts';
import { createRedisBus } from './realtime/redis-bus.ts';
import { combineWorkers, startWorkers, type Workers } from './queue/worker.ts';
import { expireSessions } from './sessions/expire-sessions.ts';
import { purgeRetention } from './sessions/purge-retention.ts';
import { sweepStuckSessions } from './sessions/sweep-stuck.ts';
import { removeStaleParts } from './sessions/resumable-upload.ts';
import { openDatabase, type DbHandle } from './storage/db.ts';
import { blobStoreFor } from './storage/select-blobs.ts';
import { memoryWindows } from './limits/rate-windows.ts';
import { limitsRedis, redisWindows } from './limits/redis-windows.ts';
import { cleanStaleScratch, DIR_MODE, ensureScratchRoot, scratchRoot } from './storage/scratch.ts';
import { probeStage } from './verification/stages/probe.ts';
import { decodeStage } from './verification/stages/decode.ts';
import { facesStage } from './verification/stages/faces.ts';
import { faceMatchStage } from './verification/stages/face-match.ts';
import { duplicatesStage } from './verification/stages/duplicates.ts';
import { createUsearchFaceIndex } from './duplicates/usearch-index.ts';
import { tableTemplateSource } from './duplicates/templates.ts';
import { templateCodec } from './duplicates/template-codec.ts';
import { listDocs, listRoutes } from './http/routes/lists.ts';
import { dashboardEvidenceRoutes, evidenceDocs, evidencePackRoutes, wellKnownDocs, wellKnownRoutes } from './http/routes/evidence.ts';
import { speechStage } from './verification/stages/speech.ts';
import { livenessStage } from './verification/stages/liveness.ts';
import { documentStage } from './verification/stages/document.ts';
import { riskStage } from './verification/stages/risk.ts';
import { riskConfigFromEnv } from './risk/config.ts';
import { createRiskRuntime } from './risk/runtime.ts';
import { parseTrustedProxies } from './config/trusted-proxies.ts';
import { getProjectSettings } from './projects/settings.ts';
import type { Stage } from './verification/pipeline.ts';
import { makeVerifySession } from './verification/verify-session.ts';
import { endUnprocessable } from './verification/finish-session.ts';
import { makeDeliverWebhook, WEBHOOK_ATTEMPT_TIMEOUT_MS } from './webhooks/deliver.ts';
import { CallService, type CallHooks } from './calls/call-service.ts';
import { attachCallSignalling } from './calls/signalling.ts';
import { AgentDesk } from './agents/desk.ts';
import { recoverCalls } from './agents/recover.ts';
import { agentRoutes } from './agents/routes.ts';
import { reviewAsUser } from './http/dashboard/session-routes.ts';
import { createCallAffinity, type CallAffinity } from './calls/affinity.ts';
import { callPageRoutes } from './http/routes/call-pages.ts';

// The composition root: configuration → adapters → use cases → HTTP app and workers. The only place
// that knows which adapter implements which port.

export interface Runtime {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  handle: DbHandle;
  /**
   * Starts one worker pool per concurrency class: `concurrency` verification slots (default
   * WORKERS), WEBHOOK_CONCURRENCY delivery slots shared fairly between projects, one maintenance slot.
   * `classes` limits the pools to some classes (`vkyc worker --queues verify,webhook`).
   */
  startWorkers(opts?: { concurrency?: number; leaseMs?: number; pollMs?: number; classes?: readonly JobClass[] }): Workers;
  /** Prometheus registry of this process (GET /metrics, METRICS_PORT). */
  metrics: PrometheusMetrics;
  /** What /readyz checks; a worker process registers its model loading here. */
  readiness: Readiness;
  /** Live calls (src/calls): the registry and its hooks; `attachCalls` adds the signalling WebSocket to the HTTP server. */
  calls: CallService;
  /** The live-agent queue and agent pool (src/agents). */
  desk: AgentDesk;
  attachCalls(server: import('node:http').Server): void;
  /** With REDIS_URL: which node owns each call; signalling reaching another node is forwarded to it. */
  callAffinity?: CallAffinity;
  close(): Promise<void>;
}

export interface BuildOptions {
  clock?: Clock;
  log?: Logger;
  lookup?: Deps['lookup'];
  /** PostgreSQL schema to use (tests isolate runs in their own schema). */
  pgSchema?: string;
  /** Per-attempt webhook timeout (default WEBHOOK_ATTEMPT_TIMEOUT_MS); tests shorten it. */
  webhookTimeoutMs?: number;
  /** Replaces the verification stages (tests of the job machinery). */
  stages?: (deps: Deps) => Stage[];
  /** What happens when a live call starts and ends (the session aggregate, later). */
  callHooks?: CallHooks;
  /** The `process` label of this process's metrics (vkyc serve: all or api; vkyc worker: worker). */
  process?: 'api' | 'worker' | 'all';
}

/**
 * The job queue adapter: BullMQ when REDIS_URL is set (or QUEUE=bullmq), else the database's jobs
 * table. BullMQ gets its own connection: its workers need `maxRetriesPerRequest: null` (a command
 * waits for Redis to come back rather than failing a claim), unlike the fail-fast limits client.
 */
/** How long shutdown waits for the queue (a hand-over, BullMQ's close) when Redis does not answer. */
const QUEUE_CLOSE_GRACE_MS = 3_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** The face models in FACE_WORKERS threads, or on the main thread when 0. */
function faceEngine(config: Config) {
  const engine = { runtime: config.FACE_RUNTIME };
  return config.FACE_WORKERS > 0 ? createFaceEnginePool({ size: config.FACE_WORKERS, engine }) : createFaceEngine(engine);
}

function selectQueue(config: Config, handle: DbHandle, clock: Clock, log: Logger): { queue: JobQueue; close(): Promise<void> } {
  const kind = config.QUEUE ?? (config.REDIS_URL ? 'bullmq' : 'sql');
  if (kind === 'sql' || !config.REDIS_URL) return { queue: createSqlQueue(handle.db, clock), close: async () => undefined };
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  // ioredis reconnects by itself; its errors (and BullMQ's re-emitted ones) are reported here, once
  // a minute, not as unhandled events.
  let lastWarn = 0;
  const onError = (e: Error) => {
    if (Date.now() - lastWarn < 60_000) return;
    lastWarn = Date.now();
    log.warn('job queue: Redis unavailable, retrying', { err: e.message });
  };
  redis.on('error', onError);
  const queue = createBullmqQueue({ connection: redis, clock, prefix: `${config.REDIS_PREFIX}bull`, onError });
  return {
    queue,
    async close() {
      // With Redis down, BullMQ's close waits for a connection that may never come: bounded, then
      // the socket is dropped, which also fails the commands still waiting in ioredis' queue.
      await Promise.race([queue.close().catch(onError), sleep(QUEUE_CLOSE_GRACE_MS)]);
      redis.disconnect();
    },
  };
}

/**
 * Data at rest is owner-only: DATA_DIR 0700 and, through the umask, every file this process and its
 * children (ffmpeg, SQLite's -wal/-shm) create is 0600. Scratch left by a run that was killed
 * (decoded frames, WAVs, videos being validated) is removed before anything else starts.
 */
async function prepareDataDir(config: Config, log: Logger) {
  if (isMainThread) process.umask(0o077); // workers cannot set it; they share the process's mask
  await mkdir(config.DATA_DIR, { recursive: true, mode: DIR_MODE });
  // An operator-made DATA_DIR we do not own keeps its mode; say so rather than refuse to start.
  await chmod(config.DATA_DIR, DIR_MODE).catch((e: Error) => log.warn('DATA_DIR mode not changed', { err: e.message }));
  const root = await ensureScratchRoot(scratchRoot(config.DATA_DIR));
  // A sibling process's live scratch is never older than two verify timeouts (the longest job).
  const removed = await cleanStaleScratch(root, { maxAgeMs: 2 * catalogue['verify-session'].timeoutMs });
  if (removed) log.info('stale scratch removed', { entries: removed });
}

/** Maintenance jobs are routine: their successes log at debug, their failures still warn. */
const routineQuiet = (cls: JobClass, l: Logger) => (cls === 'maintenance' ? infoAsDebug(l) : l);

export function pipelineStages(_deps: Deps): Stage[] {
  return [probeStage, documentStage, decodeStage, facesStage, faceMatchStage, duplicatesStage, livenessStage, speechStage, riskStage];
}

export async function buildRuntime(config: Config, o: BuildOptions = {}): Promise<Runtime> {
  const log = o.log ?? createLogger(config.LOG_LEVEL);
  const clock = o.clock ?? systemClock;
  await prepareDataDir(config, log);
  const secret = loadOrCreateSecret(config);
  const handle = await openDatabase({ url: config.DATABASE_URL, sqlitePath: join(config.DATA_DIR, 'vkyc.sqlite'), schema: o.pgSchema, secret });
  const encryptionKey = config.BLOB_ENCRYPTION_KEY ? Buffer.from(config.BLOB_ENCRYPTION_KEY, 'hex') : undefined;
  const codec = templateCodec(encryptionKey);
  const selected = selectQueue(config, handle, clock, log.child({ component: 'queue' }));
  const queue = selected.queue;
  const prom = createPrometheusMetrics({ queue, process: o.process ?? 'all' });
  // The limits client fails fast (no offline queue): what a readiness probe wants to ask Redis with.
  const limitsClient = config.REDIS_URL ? limitsRedis(config.REDIS_URL) : undefined;
  const readiness = createReadiness({ db: handle.db, redis: limitsClient });
  // With REDIS_URL the bus spans every node (dashboards, erase signals to workers on other machines).
  const realtime = config.REDIS_URL ? createRedisBus({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, log: log.child({ component: 'realtime' }) }) : createMemoryBus();
  const relay = createOutboxRelay({ db: handle.db, queue, bus: realtime, clock, log: log.child({ component: 'outbox' }) });
  const deps: Deps = {
    db: handle.db,
    // The key names project and session ids only; no bytes of the blob are logged.
    blobs: blobStoreFor(config, (key, reason) => log.error('blob integrity check failed', { blob: key, reason })),
    queue,
    relay,
    realtime,
    clock,
    config,
    log,
    secret,
    media: { ffmpeg: config.FFMPEG_PATH, ffprobe: config.FFPROBE_PATH },
    engines: lazyEngines({ face: () => faceEngine(config), speech: () => createSpeechEngines({ ...speechConfigFromEnv(process.env), scratchDir: scratchRoot(config.DATA_DIR) }), ocr: () => createPaddleOcr() }),
    webhookTimeoutMs: o.webhookTimeoutMs ?? WEBHOOK_ATTEMPT_TIMEOUT_MS,
    lookup: o.lookup,
    risk: { ...createRiskRuntime(riskConfigFromEnv(process.env), parseTrustedProxies(config.TRUST_PROXY)), policyFor: async (projectId) => (await getProjectSettings(handle.db, projectId)).risk_policy },
    // The index is derived from the face_templates table and rebuilt from it when its files are absent or stale.
    faceIndex: createUsearchFaceIndex({ dir: join(config.DATA_DIR, 'face-index'), source: tableTemplateSource(handle.db, codec), now: () => clock.now().getTime() }),
    templateCodec: codec,
    metrics: prom.metrics,
    limits: limitsClient ? redisWindows(limitsClient, clock, log.child({ component: 'limits' }), config.REDIS_PREFIX) : memoryWindows(clock),
  };
  // Live agent mode: the desk (queue, agents, offers) drives the call service through its hooks;
  // hooks given by a test come on top of the desk's.
  const desk = new AgentDesk(deps);
  const calls = new CallService(deps, combineHooks(desk.hooks, o.callHooks));
  desk.attach(calls);
  const agentApi = agentRoutes(deps, desk, calls, (actor, id, body) => reviewAsUser(deps, actor, id, body));
  const extras: AppExtras = {
    publicRoutes: [{ app: callPageRoutes() }, { app: pageRoutes(undefined, { frameAncestors: frameAncestorsOf(deps) }) }, { app: handoffRoutes(deps), docs: handoffDocs }, { app: dashboardApi(deps, agentApi) }, { app: zolozRoutes(deps), docs: zolozDocs }, { app: livenessPublicRoutes(deps), docs: livenessDocs }, { app: verilockRoutes(deps), docs: verilockDocs }, { app: amlkycRoutes(deps), docs: amlkycDocs }, { app: verisoulRoutes(deps), docs: verisoulDocs }],
    notReady: () => readiness.notReady(),
    metrics: { exposition: prom, token: config.METRICS_TOKEN },
    apiRoutes: [{ path: '/faces', app: faceRoutes(deps), docs: faceDocs }, { path: '/documents', app: documentRoutes(deps), docs: documentDocs }, { path: '/liveness', app: livenessApiRoutes(deps), docs: [] }, { path: '/lists', app: listRoutes(deps), docs: listDocs }],
  };
  // Evidence packs (issue 19): under /v1/sessions next to the session routes, keys at a well-known URL.
  extras.apiRoutes!.push({ path: '/sessions', app: evidencePackRoutes<{ Variables: Vars }>(deps, (c) => c.get('principal').projectId), docs: evidenceDocs });
  extras.publicRoutes!.push({ app: wellKnownRoutes(deps), docs: wellKnownDocs }, { app: dashboardEvidenceRoutes(deps) });
  // Calls a crash or a restart cut: their raw segments are stored, the sessions go back to the queue.
  const recovered = await recoverCalls(deps);
  if (recovered.sessions) log.info('calls cut by a restart recovered', recovered);
  const staleParts = await removeStaleParts(deps);
  if (staleParts) log.info('stale upload parts removed', { parts: staleParts });
  const app = createApp(deps, extras);
  // The relay runs wherever the app runs (API-only processes commit outbox rows too); the store
  // hands its rows over at once, the poll catches what a crash or a queue outage left behind.
  relay.start();
  const handlers: JobHandlers = {
    'verify-session': makeVerifySession(deps, (o.stages ?? pipelineStages)(deps)),
    'deliver-webhook': makeDeliverWebhook(deps),
    'expire-sessions': async () => {
      await expireSessions(deps);
      await sweepStuckSessions(deps);
    },
    'purge-retention': async () => void (await purgeRetention(deps)),
  };
  const onGiveUp: GiveUpHandlers = {
    'verify-session': async (p) => void (await endUnprocessable(deps, p.projectId, p.sessionId, 'job_failed')),
  };
  const running: Workers[] = [];
  let scheduler: NodeJS.Timeout | undefined;
  const signalling: Array<{ close(): Promise<void> }> = [];
  // Several API nodes share REDIS_URL: a call's signalling is forwarded to the node holding its media.
  const callAffinity = config.REDIS_URL ? createCallAffinity(calls, { redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, log: log.child({ component: 'calls' }) }) : undefined;
  return {
    deps,
    app,
    handle,
    calls,
    callAffinity,
    metrics: prom,
    readiness,
    desk,
    attachCalls: (server) => void signalling.push(attachCallSignalling(server, deps, callAffinity ?? calls, desk)),
    startWorkers(opts = {}) {
      const { concurrency = Math.max(1, config.WORKERS), classes = JOB_CLASSES, ...rest } = opts;
      const pool = (cls: JobClass, slots: number, maxPerGroup?: number) =>
        startWorkers({ queue: deps.queue, handlers, onGiveUp, log: routineQuiet(cls, log.child({ component: 'worker', class: cls })), clock, onFinished: prom.metrics.jobFinished, ...rest, jobClass: cls, concurrency: slots, maxPerGroup });
      const slots: Record<JobClass, () => Workers> = {
        verify: () => pool('verify', concurrency),
        webhook: () => pool('webhook', config.WEBHOOK_CONCURRENCY, config.WEBHOOK_PROJECT_SLOTS),
        maintenance: () => pool('maintenance', 1),
      };
      const w = combineWorkers(JOB_CLASSES.filter((c) => classes.includes(c)).map((c) => slots[c]()));
      // Drain hands over the outbox first: a state change commits its jobs there, not in the queue.
      const drained: Workers = { stop: w.stop, drain: async (t) => { await relay.flush(); await w.drain(t); await relay.flush(); await w.drain(t); } };
      running.push(w);
      // The expiry sweep is a job like any other; the dedupe key makes one per minute across all
      // processes sharing the database.
      const tick = () => {
        const minute = clock.now().toISOString().slice(0, 16);
        const hour = minute.slice(0, 13);
        const schedule = (name: 'expire-sessions' | 'purge-retention', key: string) =>
          deps.queue.enqueue(name, {}, { dedupeKey: `${name}@${key}` }).catch((e) => log.warn('schedule failed', { err: String(e) }));
        void schedule('expire-sessions', minute);
        void schedule('purge-retention', hour);
      };
      // Scheduled by the processes that run maintenance jobs (every one of them: the dedupe key
      // keeps it to one job per minute).
      if (classes.includes('maintenance')) {
        tick();
        scheduler ??= setInterval(tick, 30_000);
        scheduler.unref();
      }
      return drained;
    },
    async close() {
      if (scheduler) clearInterval(scheduler);
      // Calls end before the stores close: their recordings are remuxed and stored on the way out.
      await Promise.all(signalling.map((s) => s.close()));
      await calls.endAll();
      await desk.stop();
      await callAffinity?.close();
      await Promise.all(running.map((w) => w.stop()));
      // A hand-over waiting on a queue whose Redis is down would hold shutdown: bounded; the row
      // stays in the outbox for the next start.
      const relayStopped = relay.stop();
      await Promise.race([relayStopped, sleep(QUEUE_CLOSE_GRACE_MS)]);
      await realtime.close?.();
      await deps.engines.close();
      await deps.faceIndex.close();
      await deps.limits.close?.();
      await selected.close();
      await handle.close();
    },
  };
}

/** The desk's hooks, then the caller's (tests observe calls through them). */
function combineHooks(a: Required<CallHooks>, b: CallHooks | undefined): CallHooks {
  if (!b) return a;
  return {
    onCallStarted: async (id) => { await a.onCallStarted(id); await b.onCallStarted?.(id); },
    onCallEnded: async (id, r) => { await a.onCallEnded(id, r); await b.onCallEnded?.(id, r); },
  };
}
