import { randomUUID } from 'node:crypto';
import { toErrorInfo } from '../errors.js';
import { renditionBody, toStoredOutputs, type OutputFormat } from '../formats.js';
import type { JobRecord } from '../job.js';
import { toJobBody } from '../job-body.js';
import { createLogger } from '../logger.js';
import { AUTO_LANGUAGE, createLanguageCatalog } from '../ocr/languages.js';
import { createLanguageIdentifier } from '../ocr/language-identification.js';
import { createOcrPipeline } from '../ocr/pipeline.js';
import { createTesseractEngine } from '../ocr/tesseract-engine.js';
import { requireImageType, validateImage } from '../ocr/validate-image.js';
import { UsageError, type CliFormat } from './args.js';
import type { Recognizer } from './recognizer.js';

/** The service's defaults for MAX_IMAGE_PIXELS and JOB_TIMEOUT_MS: the same image is refused or read the same way. */
const MAX_IMAGE_PIXELS = 40_000_000;
const JOB_TIMEOUT_MS = 60_000;

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
 * The JSON it prints has the shape of `GET /result`. Throws UsageError for a language that is not installed.
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
        const type = requireImageType(image);
        await validateImage(image, type, { maxPixels: MAX_IMAGE_PIXELS });
        record.startedAt = new Date().toISOString();
        const recognition = await pipeline.run({ image, lang: languageSet, psm, preprocess: true, outputs });
        const result = {
          ...toStoredOutputs(recognition),
          confidence: recognition.confidence,
          lang: languageSet,
          psm: recognition.psm,
          timings: { queuedMs: 0, recognitionMs: recognition.recognitionMs },
        };
        const body = toJobBody({ ...record, status: 'completed', finishedAt: new Date().toISOString(), result });
        return { ok: true, body, ...(format !== 'json' && { rendition: renditionBody(result, format) }) };
      } catch (error) {
        const info = toErrorInfo(error);
        return { ok: false, error: info, body: toJobBody({ ...record, status: 'failed', finishedAt: new Date().toISOString(), error: info }) };
      }
    },

    close: () => engine.close(),
  };
}
