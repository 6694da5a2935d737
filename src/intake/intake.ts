import { inspectImagePages, inspectPdf, type DocumentLimits } from './document.js';
import { checkImage } from './image.js';
import { mediaTypeOf, requireUploadType } from './media-type.js';
import { selectPages } from './page-selection.js';

export interface IntakeRequest {
  /** The upload's `pages` field: which pages of a document to read (all when absent or empty). */
  pages?: string;
  /** MAX_IMAGE_PIXELS, MAX_PAGES and PDF_RENDER_DPI. */
  limits: DocumentLimits;
}

/** An upload that passed every check: its type as found from its bytes, and for a document the pages to read. */
export type AcceptedUpload = { kind: 'image'; mediaType: string } | { kind: 'document'; mediaType: string; pages: number[] };

/**
 * Checks an upload before anything is queued, from its bytes alone: its type from its signature, then a document
 * (a PDF, or a multi-page TIFF, GIF or WebP) from its structure, anything else as one image from its header and
 * pixel data. The media type it answers is the one the job carries, and nothing after reads the bytes for it again.
 * Throws the typed error of the first problem found (UNSUPPORTED_MEDIA_TYPE, IMAGE_TOO_LARGE, IMAGE_TOO_SMALL,
 * IMAGE_UNREADABLE, TOO_MANY_PAGES, PAGE_TOO_LARGE, DOCUMENT_ENCRYPTED, DOCUMENT_UNREADABLE, INVALID_PARAMETER).
 */
export async function intake(bytes: Buffer, { pages: selection, limits }: IntakeRequest): Promise<AcceptedUpload> {
  const type = requireUploadType(bytes);
  const mediaType = mediaTypeOf(type);
  if (type === 'pdf') return { kind: 'document', mediaType, pages: await inspectPdf(bytes, selection, limits) };
  const pages = await inspectImagePages(bytes, type, selection, limits);
  if (pages) return { kind: 'document', mediaType, pages };
  // An image is a document of one page: a selection may name that page, and no other.
  selectPages(selection, 1);
  await checkImage(bytes, type, { maxPixels: limits.maxPixels });
  return { kind: 'image', mediaType };
}
