import { AppError } from '../errors.js';
import { contentDispositionOf, contentTypeOf, renditionBody, type Rendition } from '../formats.js';
import { isTerminal, type JobRecord } from '../job.js';
import { MAX_WAIT_SECONDS } from './routes/result.schema.js';

/**
 * What every rendition is served with: a rendition is data, never a page of the service's origin, so a browser that
 * opens one runs no script, loads nothing and does not sniff it into another type, whatever the OCR text holds.
 */
export const INERT_HEADERS = {
  'content-security-policy': "default-src 'none'; sandbox",
  'x-content-type-options': 'nosniff',
} as const;

export interface RenderedResult {
  headers: typeof INERT_HEADERS & { 'content-type': string; 'content-disposition'?: string };
  body: string | Buffer;
}

function noResultYet(record: JobRecord, rendition: Rendition): AppError {
  if (isTerminal(record.status)) {
    return new AppError('NO_RESULT', `Task ${record.id} failed: it has no result to return as ${rendition}.`);
  }
  return new AppError(
    'NO_RESULT',
    `Task ${record.id} is ${record.status}: it has no result to return as ${rendition} yet. ` +
      `Add wait=${MAX_WAIT_SECONDS} to hold the request until it completes (up to ${MAX_WAIT_SECONDS} seconds), or poll GET /result/${record.id}.`,
  );
}

/**
 * A completed job's rendition as stored. Throws NO_RESULT while the job has no result (queued, processing or
 * failed) and FORMAT_NOT_REQUESTED for a rendition not asked for at upload.
 */
export function storedRendition(record: JobRecord, rendition: Rendition): string | Buffer {
  if (record.status !== 'completed' || !record.result) throw noResultYet(record, rendition);
  const body = renditionBody(record.result, rendition);
  if (body === undefined) {
    throw new AppError(
      'FORMAT_NOT_REQUESTED',
      `Task ${record.id} was not asked for ${rendition}: upload the image again with output=${rendition} to get it.`,
    );
  }
  return body;
}

/** One rendition of a completed job, for `GET /result/:id?format=`, throwing as `storedRendition` does. */
export function renderResult(record: JobRecord, rendition: Rendition): RenderedResult {
  const body = storedRendition(record, rendition);
  const disposition = contentDispositionOf(rendition, record.id);
  return {
    headers: { ...INERT_HEADERS, 'content-type': contentTypeOf(rendition), ...(disposition && { 'content-disposition': disposition }) },
    body,
  };
}
