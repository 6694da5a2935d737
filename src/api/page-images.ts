import type { PageRenderer } from '../documents/page-renderer.js';
import { pagePreview } from '../documents/page-preview.js';
import { AppError } from '../errors.js';
import type { JobRecord } from '../job.js';
import { INERT_HEADERS, storedRendition } from './renditions.js';

/**
 * A page's place in the task's searchable PDF: its place among the result's pages, which may be a selection of
 * the original's; an image is page 1. Throws NOT_FOUND for a page the result does not have.
 */
function placeInPdf(record: JobRecord, page: number): number {
  const numbers = record.result?.pages?.map((each) => each.page) ?? [1];
  const place = numbers.indexOf(page) + 1;
  if (place === 0) {
    throw new AppError('NOT_FOUND', `Task ${record.id} has no page ${page}: its pages are ${numbers.join(', ')}.`);
  }
  return place;
}

/** Page images are seen again as a person pages back and forth; a finished task's pages do not change. */
const PAGE_IMAGE_CACHE = 'private, max-age=300';

/**
 * `GET /result/:id/pages/:page`: a completed task's page as a JPEG, rendered from its searchable PDF. Throws as
 * `storedRendition` does for a task without one, and NOT_FOUND for a page it does not have.
 */
export async function pageImage(renderer: PageRenderer, record: JobRecord, page: number, width?: number) {
  const pdf = storedRendition(record, 'pdf');
  const body = await pagePreview(renderer, pdf as Buffer, placeInPdf(record, page), { width });
  return { headers: { ...INERT_HEADERS, 'content-type': 'image/jpeg', 'cache-control': PAGE_IMAGE_CACHE }, body };
}
