import { toStoredOutputs } from '../formats.js';
import type { OcrResult, PageResult } from '../job.js';
import type { PipelineResult } from '../ocr/pipeline.js';

/** What a recognition says of its page, as results store it: the same for an image and for a document's page. */
function recognized(recognition: PipelineResult, pdf: Uint8Array | undefined) {
  const { confidence, lang, rotation, rotationConfidence, psm, regions, tables } = recognition;
  return { ...toStoredOutputs({ ...recognition, pdf }), confidence, lang, rotation, rotationConfidence, psm, regions, tables };
}

/** The result of an image job: its recognition, and how long it waited in the queue. */
export function imageResult(recognition: PipelineResult, queuedMs: number): OcrResult {
  return { ...recognized(recognition, recognition.pdf), timings: { queuedMs, recognitionMs: recognition.recognitionMs } };
}

/**
 * One OCR page of a document. `pdf` is the page's searchable PDF when it was placed on the page's own paper
 * (a page of a PDF); otherwise the recognition's own.
 */
export function pageResult(page: number, recognition: PipelineResult, pdf = recognition.pdf): PageResult {
  return { ...recognized(recognition, pdf), page, source: 'ocr', recognitionMs: recognition.recognitionMs };
}
