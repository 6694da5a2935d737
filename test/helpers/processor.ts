import pino, { type Logger } from 'pino';
import { createPageRenderer } from '../../src/documents/page-renderer.js';
import { createMetrics } from '../../src/metrics.js';
import type { OcrPipeline } from '../../src/ocr/pipeline.js';
import type { JobQueue } from '../../src/queue/job-queue.js';
import type { Stores } from '../../src/store/stores.js';
import { createOutageGuard } from '../../src/jobs/outage-guard.js';
import { createJobProcessor, type JobProcessor } from '../../src/jobs/job-processor.js';

/** One render thread for the test file's processors, started at their first PDF page (it never holds the process open). */
const renderer = createPageRenderer({
  limits: { renderDpi: 100, maxPixels: 40_000_000 },
  memoryMb: 1024,
  timeoutMs: 60_000,
  logger: pino({ level: 'silent' }),
});

/** The job processor a worker runs, over the given stores, queue and pipeline, with nothing else of its own. */
export function createTestProcessor({
  stores,
  queue,
  pipeline,
  logger,
}: {
  stores: Pick<Stores, 'jobs' | 'pages'>;
  queue: JobQueue;
  pipeline: OcrPipeline;
  logger: Logger;
}): JobProcessor {
  return createJobProcessor({
    jobs: stores.jobs,
    pageAccounting: stores.pages,
    pipeline,
    outages: createOutageGuard({ logger }),
    logger,
    metrics: createMetrics(),
    queue,
    renderer,
  });
}
