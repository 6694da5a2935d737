import type { Logger } from 'pino';
import type { OcrEngine } from '../ocr/engine.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { ResultStore } from '../store/result-store.js';
import type { Metrics } from '../metrics.js';
import type { WebhookSender } from '../webhook/sender.js';
import { createJobProcessor } from './process-job.js';

export interface WorkerDependencies {
  queue: JobQueue;
  store: ResultStore;
  engine: OcrEngine;
  /** MAX_IMAGE_PIXELS: preprocessing refuses to decode anything larger. */
  maxImagePixels: number;
  logger: Logger;
  concurrency: number;
  /** Language sets whose tesseract workers are created before the first job arrives. */
  preloadLanguageSets: string[];
  webhooks?: WebhookSender;
  metrics: Metrics;
}

export interface Worker {
  /** Stops taking jobs and resolves when every job in flight has been stored and acknowledged. */
  stop(): Promise<void>;
}

/** Warms the OCR engine, then consumes jobs from the queue. */
export async function startWorker(deps: WorkerDependencies): Promise<Worker> {
  const { queue, engine, logger, concurrency, preloadLanguageSets } = deps;
  await Promise.all(preloadLanguageSets.map((lang) => engine.warmUp(lang)));
  await queue.consume(createJobProcessor(deps), { concurrency });
  logger.info({ concurrency, preloaded: preloadLanguageSets }, 'worker consuming jobs');
  return {
    stop: () => queue.stopConsuming(),
  };
}
