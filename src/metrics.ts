import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * How often the event loop's delay is sampled for its lag metrics. prom-client's default, 10 ms, wakes an idle
 * process 200 times a second and costs its main thread measurably whether it has work or not; every 50 ms still
 * catches any stall of the loop that long, and a shorter one often.
 */
const EVENT_LOOP_SAMPLE_MS = 50;

/** The Prometheus metrics of one process; API and worker each expose theirs at `GET /metrics`. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ocr_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'ocr_http_request_duration_seconds',
      help: 'HTTP requests by route, method and status code.',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    clientTimeouts: new Counter({
      name: 'ocr_http_client_timeouts_total',
      help: 'Connections closed with 408 because a request did not arrive in time: its headers within HTTP_HEADERS_TIMEOUT_MS, or all of it within HTTP_REQUEST_TIMEOUT_MS (a stalled upload).',
      registers: [registry],
    }),
    jobs: new Counter({
      name: 'ocr_jobs_total',
      help: 'Jobs handled by this worker, by outcome (completed, failed, retried, skipped) and error code.',
      labelNames: ['outcome', 'code'] as const,
      registers: [registry],
    }),
    recognitionSeconds: new Histogram({
      name: 'ocr_recognition_duration_seconds',
      help: 'Time tesseract.js spent on each completed job.',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    queueWaitSeconds: new Histogram({
      name: 'ocr_queue_wait_seconds',
      help: 'Time from upload until a worker took the job.',
      buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    }),
    archiveWrites: new Counter({
      name: 'ocr_archive_writes_total',
      help: 'Completed tasks taken from the archive outbox, by outcome: archived, duplicate (archived before), gone (deleted or expired first).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    archiveFailures: new Counter({
      name: 'ocr_archive_failures_total',
      help: 'Attempts to write the archive that failed (the database unreachable); the texts stay in the outbox.',
      registers: [registry],
    }),
    archiveLagSeconds: new Histogram({
      name: 'ocr_archive_lag_seconds',
      help: 'Time from a task completing until its text was in the archive.',
      buckets: [0.05, 0.1, 0.5, 1, 5, 30, 120, 600, 3600],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
