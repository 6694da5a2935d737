import type { Logger } from 'pino';
import type { OcrEngine } from '../ocr/engine/engine.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { IdleJobs } from '../store/idle-jobs.js';
import type { JobProcessor } from '../jobs/job-processor.js';
import type { OutageGuard } from '../jobs/outage-guard.js';
import { startSweeper } from './sweeper.js';

export interface WorkerDependencies {
  queue: JobQueue;
  /** Where the sweep finds jobs the queue may have lost. */
  idle: IdleJobs;
  engine: OcrEngine;
  processor: JobProcessor;
  /** The guard the processor's store writes wait behind; released at stop. */
  outages: OutageGuard;
  logger: Logger;
  /** OCR slots: the jobs recognised at once (the engine's workers per language set). */
  concurrency: number;
  /** Language sets whose tesseract workers are created before the first job arrives. */
  preloadLanguageSets: string[];
  sweep: { staleAfterMs: number; intervalMs: number };
}

/**
 * Jobs a worker takes beyond its OCR slots. Each is decoded, measured and prepared while the slots are busy, and waits
 * for the first slot to free: taking only as many jobs as slots leaves each tesseract thread idle while the main
 * thread prepares its next page.
 */
const JOBS_PREPARED_AHEAD = 1;

export interface Worker {
  /** Stops taking jobs and resolves when every job in flight has been stored and acknowledged, or handed back. */
  stop(): Promise<void>;
}

/** Warms the OCR engine, then consumes jobs from the queue and sweeps for jobs the queue lost. */
export async function startWorker({
  queue,
  idle,
  engine,
  processor,
  outages,
  logger,
  concurrency,
  preloadLanguageSets,
  sweep,
}: WorkerDependencies): Promise<Worker> {
  await Promise.all(preloadLanguageSets.map((lang) => engine.warmUp(lang)));
  await queue.consume(processor.handle, { concurrency: concurrency + JOBS_PREPARED_AHEAD, onDeadLetter: processor.recordDeadLetter });
  const sweeper = startSweeper({ idle, queue, ...sweep, recordLost: processor.recordLost, logger });
  logger.info({ concurrency, preloaded: preloadLanguageSets }, 'worker consuming jobs');
  return {
    async stop() {
      // Jobs waiting out an outage go back to the queue unspent rather than hold up the shutdown.
      outages.release();
      await Promise.all([queue.stopConsuming(), sweeper.stop()]);
    },
  };
}
