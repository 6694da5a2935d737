import { randomUUID } from 'node:crypto';
import { checkUpload } from '../api/check-upload.js';
import { loadConfig } from '../config.js';
import { documentLimits } from '../intake/document.js';
import { toErrorInfo } from '../errors.js';
import { renditionBody } from '../formats.js';
import { toJobBody } from '../job-body.js';
import { createJobProcessor } from '../jobs/job-processor.js';
import { createOcrRuntime } from '../jobs/ocr-runtime.js';
import { createOutageGuard } from '../jobs/outage-guard.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import type { LanguageCatalog } from '../ocr/engine/languages.js';
import { createMemoryQueue } from '../queue/memory.js';
import { createMemoryStores } from '../store/memory/index.js';
import { UsageError } from './args.js';
import type { Recognizer } from './recognizer.js';
import { uploadFields, type ReadOptions } from './upload-fields.js';

/** How long one file (a document of many pages, say) may take in this process. */
const FILE_TIMEOUT_MS = 3_600_000;

export interface LocalOptions extends ReadOptions {
  /** Warm tesseract workers, one file each at a time. */
  concurrency: number;
  /** The installed languages. */
  catalog: LanguageCatalog;
}

/**
 * Reads files in this process as the service reads them, with no HTTP between: the upload's checks on the form a
 * `--server` run would send, then the worker's own job code on the in-process queue and store, with the service's
 * default settings and the language data from the installed packages. The JSON it prints is `GET /result`'s.
 * Throws UsageError for a language that is not installed.
 */
export function createLocalRecognizer({ concurrency, catalog, ...read }: LocalOptions): Recognizer {
  const { lang, format } = read;
  try {
    catalog.parseRequestedLanguage(lang);
  } catch (error) {
    throw new UsageError(toErrorInfo(error).message);
  }
  // The service's defaults, not the environment's: a shell's QUEUE or REDIS_URL is no business of a local read.
  const config = loadConfig({ OCR_CONCURRENCY: String(concurrency) });
  // Only the engine's own faults reach this log (a tesseract worker dying): on stderr, never among the texts.
  const logger = createLogger('error', 'cli', 'stderr');
  const ocr = createOcrRuntime(config, catalog, logger);
  const stores = createMemoryStores({ resultTtlSeconds: config.store.resultTtlSeconds });
  // A retry would read the same file the same way: one attempt, and its error is the answer.
  const queue = createMemoryQueue({ maxAttempts: 1 });
  const processor = createJobProcessor({
    jobs: stores.jobs,
    pageAccounting: stores.pages,
    pipeline: ocr.pipeline,
    outages: createOutageGuard({ logger }),
    logger,
    metrics: createMetrics(),
    queue,
    renderer: ocr.renderer,
  });
  const consuming = queue.consume(processor.handle, { concurrency, onDeadLetter: processor.recordDeadLetter });
  const fields = uploadFields(read);
  const limits = documentLimits(config.limits);

  return {
    async recognize(file, image) {
      const id = randomUUID();
      const createdAt = new Date().toISOString();
      try {
        const { kind, mediaType, options } = await checkUpload(image, fields, catalog, limits);
        await consuming;
        const created = await stores.jobs.create({ id, options, mediaType, createdAt, fileName: file, sizeBytes: image.length });
        await queue.publish({ id, kind, image, mediaType, options });
        const done = (await stores.jobs.waitFor(created, FILE_TIMEOUT_MS))!;
        if (done.status !== 'completed' || !done.result) {
          const info = done.error ?? toErrorInfo(undefined);
          return { ok: false, error: info, body: toJobBody({ ...done, status: 'failed', error: info }) };
        }
        return { ok: true, body: toJobBody(done), ...(format !== 'json' && { rendition: renditionBody(done.result, format) }) };
      } catch (error) {
        const info = toErrorInfo(error);
        const failed = { id, status: 'failed' as const, options: { lang }, mediaType: 'application/octet-stream', createdAt, attempts: 0 };
        return { ok: false, error: info, body: toJobBody({ ...failed, finishedAt: new Date().toISOString(), error: info }) };
      }
    },

    async close() {
      await queue.close();
      await stores.close();
      await ocr.close();
    },
  };
}
