import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JOB_CLASSES, type JobClass } from '../queue/catalogue.ts';
import type { JobQueue } from '../queue/port.ts';
import type { Metrics } from './port.ts';

// Prometheus metrics with prom-client, one Registry per runtime (not prom-client's global one:
// tests build several runtimes in one process, and each must count only its own).
//
// Queue depth is read from the queue when scraped (a gauge's collect), so it is the cluster's
// depth whichever process answers; the counters and histograms are this process's own, and
// Prometheus sums them over the scraped processes.

/** Seconds. HTTP: most API calls take ms; uploads of a 200 MB video take tens of seconds. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds. Stages and jobs: a decode or a face pass over a minute of video takes tens of seconds. */
const WORK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

export interface PrometheusMetrics {
  metrics: Metrics;
  registry: Registry;
  /** The exposition text and its content type. */
  render(): Promise<{ body: string; contentType: string }>;
}

export function createPrometheusMetrics(o: { queue: JobQueue; process: 'api' | 'worker' | 'all'; defaults?: boolean }): PrometheusMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ process: o.process });
  // Process CPU, memory, event-loop lag: cheap, and what one looks at first when a node is slow.
  if (o.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'vkyc_' });

  new Gauge({
    name: 'vkyc_queue_jobs',
    help: 'Unfinished jobs per concurrency class and state (waiting = due, delayed = not yet due or waiting for a retry, active = held by a live lease)',
    labelNames: ['class', 'state'],
    registers: [registry],
    async collect() {
      const counts = await Promise.all(JOB_CLASSES.map(async (c: JobClass) => [c, await o.queue.counts(c)] as const));
      for (const [cls, n] of counts) for (const state of ['waiting', 'delayed', 'active'] as const) this.set({ class: cls, state }, n[state]);
    },
  });
  const http = new Histogram({ name: 'vkyc_http_request_duration_seconds', help: 'API latency by route pattern', labelNames: ['method', 'route', 'status'], buckets: HTTP_BUCKETS, registers: [registry] });
  const jobs = new Histogram({ name: 'vkyc_job_duration_seconds', help: 'Job runs by catalogue name and outcome', labelNames: ['name', 'outcome'], buckets: WORK_BUCKETS, registers: [registry] });
  const stages = new Histogram({ name: 'vkyc_stage_duration_seconds', help: 'Verification stage runs by stage and status', labelNames: ['stage', 'status'], buckets: WORK_BUCKETS, registers: [registry] });
  const webhooks = new Counter({ name: 'vkyc_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome', labelNames: ['outcome'], registers: [registry] });
  const decisions = new Counter({ name: 'vkyc_decisions_total', help: 'Sessions decided, by result and by what decided them', labelNames: ['result', 'by'], registers: [registry] });

  const metrics: Metrics = {
    httpRequest: (method, route, status, seconds) => http.observe({ method, route, status: String(status) }, seconds),
    jobFinished: (name, outcome, seconds) => jobs.observe({ name, outcome }, seconds),
    stageFinished: (stage, status, seconds) => stages.observe({ stage, status }, seconds),
    webhookDelivery: (outcome) => webhooks.inc({ outcome }),
    decision: (result, by) => decisions.inc({ result, by }),
  };
  return { metrics, registry, render: async () => ({ body: await registry.metrics(), contentType: registry.contentType }) };
}
