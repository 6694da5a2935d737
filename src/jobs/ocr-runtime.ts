import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createPageRenderer, type PageRenderer } from '../documents/page-renderer.js';
import { documentLimits } from '../intake/document.js';
import type { OcrEngine } from '../ocr/engine/engine.js';
import { createLanguageIdentifier } from '../ocr/engine/language-identification.js';
import type { LanguageCatalog } from '../ocr/engine/languages.js';
import { createTesseractEngine } from '../ocr/engine/tesseract-engine.js';
import { createOcrPipeline, type OcrPipeline } from '../ocr/pipeline.js';

/** What reads pages: warm tesseract.js workers, the pipeline around them, and the thread that renders documents. */
export interface OcrRuntime {
  engine: OcrEngine;
  pipeline: OcrPipeline;
  renderer: PageRenderer;
  close(): Promise<void>;
}

/** The OCR side of a worker, built from the config, for the service's workers and the command line alike. */
export function createOcrRuntime(config: Pick<Config, 'ocr' | 'limits' | 'render'>, catalog: LanguageCatalog, logger: Logger): OcrRuntime {
  const { concurrency, maxLanguageSets, jobTimeoutMs, recycle } = config.ocr;
  const engine = createTesseractEngine({ catalog, workersPerLanguageSet: concurrency, maxLanguageSets, jobTimeoutMs, recycle, logger });
  const limits = documentLimits(config.limits);
  const pipeline = createOcrPipeline({ engine, maxPixels: limits.maxPixels, identifyLanguage: createLanguageIdentifier(catalog.installed) });
  // Pages are rendered in a thread of their own, within RENDER_TIMEOUT_MS and RENDER_MEMORY_MB.
  const renderer = createPageRenderer({ limits, ...config.render, logger });
  return {
    engine,
    pipeline,
    renderer,
    close: async () => {
      await Promise.all([engine.close(), renderer.close()]);
    },
  };
}
