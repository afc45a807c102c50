// What the rest of the code tells the metrics about, in its own words; the Prometheus adapter
// (prometheus.ts) is wired in main.ts. Deps.metrics is optional: code built without it (tools,
// tests of a single module) records nothing.
//
// Labels never carry ids, raw paths or anything a user typed: route patterns, stage and job names,
// fixed outcome words. A label per id would also grow the series without bound.

export type JobOutcome = 'completed' | 'retry' | 'failed' | 'released';
export type WebhookOutcome = 'delivered' | 'retrying' | 'failed' | 'canceled';

export interface Metrics {
  /** One HTTP answer; `route` is the matched route pattern (`/v1/sessions/:id`), never the path. */
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  /** One run of a queued job, by catalogue name. */
  jobFinished(name: string, outcome: JobOutcome, seconds: number): void;
  /** One verification stage run (stage_runs.duration_ms, in seconds). */
  stageFinished(stage: string, status: 'completed' | 'failed', seconds: number): void;
  /** One webhook delivery attempt's outcome, as the delivery log records it. */
  webhookDelivery(outcome: WebhookOutcome): void;
  /** A session decided by the pipeline, or ended needs_review because processing failed. */
  decision(result: 'approved' | 'declined' | 'needs_review', by: 'pipeline' | 'processing_failed'): void;
}
