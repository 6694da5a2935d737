import pino from 'pino';
import type { OcrEngine } from '../../src/ocr/engine/engine.js';
import { createLanguageCatalog, type LanguageCatalog } from '../../src/ocr/engine/languages.js';
import { createLanguageIdentifier } from '../../src/ocr/engine/language-identification.js';
import { createOcrPipeline, type OcrPipeline, type PipelineResult } from '../../src/ocr/pipeline.js';
import { createTesseractEngine } from '../../src/ocr/engine/tesseract-engine.js';

export interface LocalPipeline {
  catalog: LanguageCatalog;
  engine: OcrEngine;
  pipeline: OcrPipeline;
}

/**
 * The service's OCR pipeline as a worker runs it (preprocessing, engine, coordinates, `lang=auto`), in this process,
 * on one warm tesseract.js worker per language set, logging nothing. Close `engine` when done.
 */
export function createLocalPipeline({ maxLanguageSets, jobTimeoutMs }: { maxLanguageSets: number; jobTimeoutMs: number }): LocalPipeline {
  const catalog = createLanguageCatalog();
  const engine = createTesseractEngine({ catalog, workersPerLanguageSet: 1, maxLanguageSets, jobTimeoutMs, logger: pino({ level: 'silent' }) });
  const pipeline = createOcrPipeline({ engine, maxPixels: 40_000_000, identifyLanguage: createLanguageIdentifier(catalog.installed) });
  return { catalog, engine, pipeline };
}

/** What a scripted pipeline returns for a page read to `text`: upright, in English, confidently. */
export const readPage = (text: string, recognitionMs = 1): PipelineResult => ({
  text,
  confidence: 90,
  psm: 6,
  recognitionMs,
  rotateRadians: 0,
  lang: 'eng',
  rotation: 0,
  rotationConfidence: 1,
  regions: [],
  tables: [],
});
