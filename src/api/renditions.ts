import { AppError } from '../errors.js';
import type { JobRecord } from '../job.js';
import { availableRenditions, type Rendition } from '../job-body.js';

const CONTENT_TYPES: Record<Rendition, string> = {
  text: 'text/plain; charset=utf-8',
  hocr: 'text/html; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  pdf: 'application/pdf',
};

export interface RenderedResult {
  contentType: string;
  body: string | Buffer;
}

/**
 * One rendition of a completed job, for `GET /result/:id?format=`. Throws NO_RESULT while the job has no
 * result (queued, processing or failed) and FORMAT_NOT_REQUESTED for a rendition not asked for at upload.
 */
export function renderResult(record: JobRecord, format: Rendition): RenderedResult {
  const { result } = record;
  if (record.status !== 'completed' || !result) {
    throw new AppError('NO_RESULT', `Task ${record.id} is ${record.status}: it has no result to return as ${format} yet.`);
  }
  if (!availableRenditions(result).includes(format)) {
    throw new AppError(
      'FORMAT_NOT_REQUESTED',
      `Task ${record.id} was not asked for ${format}: upload the image again with output=${format} to get it.`,
    );
  }
  const body = format === 'pdf' ? Buffer.from(result.pdf!, 'base64') : format === 'text' ? result.text : result[format]!;
  return { contentType: CONTENT_TYPES[format], body };
}
