import { randomUUID } from 'node:crypto';
import { toErrorInfo } from '../errors.js';
import { renditionBody, toStoredOutputs, type OutputFormat } from '../formats.js';
import type { JobRecord } from '../job.js';
import { toJobBody } from '../job-body.js';
import { createLogger } from '../logger.js';
import { AUTO_LANGUAGE, createLanguageCatalog } from '../ocr/engine/languages.js';
import { createLanguageIdentifier } from '../ocr/engine/language-identification.js';
import { createOcrPipeline } from '../ocr/pipeline.js';
import { createTesseractEngine } from '../ocr/engine/tesseract-engine.js';
import { requireImageType, validateImage } from '../ocr/input/validate-image.js';
import { inspectDocument } from '../documents/inspect.js';
import { createPageRenderer } from '../documents/page-renderer.js';
import { createMetrics } from '../metrics.js';
import { createMemoryQueue } from '../queue/memory.js';
import { createMemoryStores } from '../store/memory/index.js';
import { createOutageGuard } from '../worker/outage-guard.js';
import { createJobProcessor } from '../worker/process-job.js';
import { UsageError, type CliFormat } from './args.js';
import type { Recognizer } from './recognizer.js';

/** The service's defaults for MAX_IMAGE_PIXELS and JOB_TIMEOUT_MS: the same image is refused or read the same way. */
const MAX_IMAGE_PIXELS = 40_000_000;
const JOB_TIMEOUT_MS = 60_000;
/** The service's defaults for documents: MAX_PAGES and PDF_RENDER_DPI. */
const DOCUMENT_LIMITS = { maxPages: 200, maxPixels: MAX_IMAGE_PIXELS, renderDpi: 300 };
/** The service's default RENDER_MEMORY_MB (its RENDER_TIMEOUT_MS is JOB_TIMEOUT_MS). */
const RENDER_MEMORY_MB = 1024;
/** How long one document may take in this process. */
const DOCUMENT_TIMEOUT_MS = 3_600_000;

export interface LocalOptions {
  lang: string;
  psm?: number;
  format: CliFormat;
  /** Warm tesseract workers, one file each at a time. */
  concurrency: number;
}

/**
 * Reads files in this process with the service's own pipeline (the embedded mode without HTTP): the upload's
 * checks, then preprocessing and the warm tesseract.js workers, with the language data from the installed packages.
 * Documents (PDF, multi-page TIFF) are split into pages and read as the service reads them. The JSON it prints
 * has the shape of `GET /result`. Throws UsageError for a language that is not installed.
 */
export function createLocalRecognizer({ lang, psm, format, concurrency }: LocalOptions): Recognizer {
  const catalog = createLanguageCatalog();
  let languageSet: string;
  try {
    languageSet = catalog.parseRequestedLanguage(lang);
  } catch (error) {
    throw new UsageError(toErrorInfo(error).message);
  }
  // Only the engine's own faults reach this log (a tesseract worker dying): on stderr, never among the texts.
  const logger = createLogger('error', 'cli', 'stderr');
  const engine = createTesseractEngine({
    catalog,
    workersPerLanguageSet: concurrency,
    maxLanguageSets: languageSet === AUTO_LANGUAGE ? catalog.installed.length : 1,
    jobTimeoutMs: JOB_TIMEOUT_MS,
    logger,
  });
  const pipeline = createOcrPipeline({ engine, maxPixels: MAX_IMAGE_PIXELS, identifyLanguage: createLanguageIdentifier(catalog.installed) });
  const outputs: OutputFormat[] = format === 'text' || format === 'json' ? [] : [format];

  // Documents are read as the service reads them, by its own document and page jobs, on the in-process queue and
  // store (started at the first document).
  const stores = createMemoryStores({ resultTtlSeconds: DOCUMENT_TIMEOUT_MS / 1000 });
  const queue = createMemoryQueue({ maxAttempts: 1 });
  const renderer = createPageRenderer({ limits: DOCUMENT_LIMITS, memoryMb: RENDER_MEMORY_MB, timeoutMs: JOB_TIMEOUT_MS, logger });
  let consuming: Promise<void> | undefined;
  const startConsuming = () => {
    const processor = createJobProcessor({
      jobs: stores.jobs,
      pages: stores.pages,
      pipeline,
      outages: createOutageGuard({ logger }),
      logger,
      metrics: createMetrics(),
      queue,
      renderer,
    });
    return queue.consume(processor.handle, { concurrency, onDeadLetter: processor.recordDeadLetter });
  };
  const readDocument = async (record: JobRecord, image: Buffer, document: { mediaType: string; pages: number[] }): Promise<JobRecord> => {
    consuming ??= startConsuming();
    await consuming;
    const options = { ...record.options, pages: document.pages };
    const created = await stores.jobs.create({ id: record.id, options, mediaType: document.mediaType, createdAt: record.createdAt });
    await queue.publish({ id: record.id, image, mediaType: document.mediaType, options });
    return (await stores.jobs.waitFor(created, DOCUMENT_TIMEOUT_MS))!;
  };

  return {
    async recognize(_file, image) {
      const record: JobRecord = {
        id: randomUUID(),
        status: 'processing',
        options: { lang: languageSet, ...(psm !== undefined && { psm }), outputs },
        mediaType: 'application/octet-stream',
        createdAt: new Date().toISOString(),
        attempts: 1,
      };
      try {
        const document = await inspectDocument(image, undefined, DOCUMENT_LIMITS);
        if (document) {
          const done = await readDocument(record, image, document);
          if (done.status !== 'completed' || !done.result) {
            const info = done.error ?? toErrorInfo(undefined);
            return { ok: false, error: info, body: toJobBody({ ...done, status: 'failed', error: info }) };
          }
          return { ok: true, body: toJobBody(done), ...(format !== 'json' && { rendition: renditionBody(done.result, format) }) };
        }
        const type = requireImageType(image);
        await validateImage(image, type, { maxPixels: MAX_IMAGE_PIXELS });
        record.startedAt = new Date().toISOString();
        const recognition = await pipeline.run({ image, lang: languageSet, psm, preprocess: true, outputs });
        const result = {
          ...toStoredOutputs(recognition),
          confidence: recognition.confidence,
          lang: languageSet,
          psm: recognition.psm,
          regions: recognition.regions,
          tables: recognition.tables,
          timings: { queuedMs: 0, recognitionMs: recognition.recognitionMs },
        };
        const body = toJobBody({ ...record, status: 'completed', finishedAt: new Date().toISOString(), result });
        return { ok: true, body, ...(format !== 'json' && { rendition: renditionBody(result, format) }) };
      } catch (error) {
        const info = toErrorInfo(error);
        return { ok: false, error: info, body: toJobBody({ ...record, status: 'failed', finishedAt: new Date().toISOString(), error: info }) };
      }
    },

    async close() {
      await queue.close();
      await stores.close();
      await Promise.all([engine.close(), renderer.close()]);
    },
  };
}
