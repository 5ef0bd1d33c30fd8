import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metrics of one process. Made per process (not global) so tests and benchmarks get a clean registry. */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const ms = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500, 5000];
  const runBuckets = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 120_000];
  return {
    registry,
    ingressRequests: new Counter({
      name: 'switchboard_ingress_requests_total',
      help: 'Platform callbacks received, by platform and outcome',
      labelNames: ['platform', 'outcome'] as const,
      registers: [registry],
    }),
    ingressDuration: new Histogram({
      name: 'switchboard_ingress_duration_ms',
      help: 'Time from request to ack, ms',
      labelNames: ['platform'] as const,
      buckets: ms,
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
      name: 'switchboard_pipeline_duration_ms',
      help: 'Worker time per message attempt, ms',
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
    deliveries: new Counter({
      name: 'switchboard_deliveries_total',
      help: 'Replies sent to platforms, by platform, kind and outcome',
      labelNames: ['platform', 'kind', 'outcome'] as const,
      registers: [registry],
    }),
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
