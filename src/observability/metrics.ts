import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Messages waiting or stuck, as the backlog gauge reports them. */
export interface Backlog {
  queued: number;
  running: number;
  awaitingApproval: number;
  /** Messages that ended failed (dead letters) in the last hour. */
  failedLastHour: number;
}

/** The metrics of one process. Made per process (not global) so tests and benchmarks get a clean registry. */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const ackBuckets = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  const runBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
  let backlogSource: (() => Promise<Backlog>) | undefined;
  return {
    registry,
    ingressRequests: new Counter({
      name: 'switchboard_ingress_requests_total',
      help: 'Platform callbacks received, by platform and outcome',
      labelNames: ['platform', 'outcome'] as const,
      registers: [registry],
    }),
    ingressDuration: new Histogram({
      name: 'switchboard_ingress_duration_seconds',
      help: 'Time from request to ack, seconds',
      labelNames: ['platform'] as const,
      buckets: ackBuckets,
      registers: [registry],
    }),
    verificationFailures: new Counter({
      name: 'switchboard_verification_failures_total',
      help: 'Platform callbacks refused as unauthenticated, by platform and precise reason',
      labelNames: ['platform', 'reason'] as const,
      registers: [registry],
    }),
    inboxAccepted: new Counter({
      name: 'switchboard_inbox_messages_total',
      help: 'Messages offered to the inbox, by result (new, duplicate)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    inboxBatchSize: new Histogram({
      name: 'switchboard_inbox_batch_size',
      help: 'Messages written per inbox batch',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200],
      registers: [registry],
    }),
    enqueueFailures: new Counter({
      name: 'switchboard_queue_enqueue_failures_total',
      help: 'Enqueue calls that failed (the sweep enqueues those messages later)',
      registers: [registry],
    }),
    sweepEnqueued: new Counter({
      name: 'switchboard_sweep_enqueued_total',
      help: 'Messages re-enqueued by the sweep',
      registers: [registry],
    }),
    processed: new Counter({
      name: 'switchboard_pipeline_messages_total',
      help: 'Messages processed by the worker, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    processingDuration: new Histogram({
      name: 'switchboard_pipeline_duration_seconds',
      help: 'Worker time per message attempt, seconds',
      labelNames: ['outcome'] as const,
      buckets: runBuckets,
      registers: [registry],
    }),
    workflowRuns: new Counter({
      name: 'switchboard_workflow_runs_total',
      help: 'Workflow runs, by kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    workflowUnknownEvents: new Counter({
      name: 'switchboard_workflow_unknown_events_total',
      help: 'Workflow stream events the client does not know (ignored), by workflow kind and event name',
      labelNames: ['kind', 'event'] as const,
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'switchboard_deliveries_total',
      help: 'Replies sent to platforms, by platform, kind and outcome',
      labelNames: ['platform', 'kind', 'outcome'] as const,
      registers: [registry],
    }),
    backlog: new Gauge({
      name: 'switchboard_messages_backlog',
      help: 'Messages by state, read from the database at scrape time: queued, running, awaiting_approval, and failed_last_hour (dead letters of the last hour)',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        if (!backlogSource) return;
        const b = await backlogSource().catch(() => undefined);
        if (!b) return;
        this.set({ state: 'queued' }, b.queued);
        this.set({ state: 'running' }, b.running);
        this.set({ state: 'awaiting_approval' }, b.awaitingApproval);
        this.set({ state: 'failed_last_hour' }, b.failedLastHour);
      },
    }),
    /** Where the backlog gauge reads from (the database, once it is open). */
    setBacklogSource(source: () => Promise<Backlog>) {
      backlogSource = source;
    },
    platformConnections: new Gauge({
      name: 'switchboard_platform_connection_state',
      help: 'Long-lived platform connections (DingTalk Stream, ...) by bot and state: 1 for the current state',
      labelNames: ['platform', 'bot', 'state'] as const,
      registers: [registry],
    }),
    platformReconnects: new Counter({
      name: 'switchboard_platform_reconnects_total',
      help: 'Long-lived platform connections that ended and were reopened, by bot and reason',
      labelNames: ['platform', 'bot', 'reason'] as const,
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'switchboard_pipeline_in_flight',
      help: 'Messages being processed by this process',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
