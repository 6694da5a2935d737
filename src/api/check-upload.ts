import { inspectDocument, type DocumentLimits } from '../documents/inspect.js';
import { selectPages } from '../documents/page-selection.js';
import type { OcrOptions } from '../job.js';
import { IMAGE_TYPES } from '../ocr/input/image-type.js';
import type { LanguageCatalog } from '../ocr/engine/languages.js';
import { requireImageType, validateImage } from '../ocr/input/validate-image.js';
import { parseUploadOptions } from './upload-options.js';

export interface CheckedUpload {
  /** A document is split into page jobs; an image is read as it is. */
  kind: 'image' | 'document';
  mediaType: string;
  /** The options of the form; for a document, with the pages to read. */
  options: OcrOptions;
}

/**
 * Checks an upload before anything is queued, from its bytes: a document (a PDF, or a multi-page TIFF, GIF or
 * WebP) from its structure, anything else as one image. Throws the typed error of the first problem found.
 */
export async function checkUpload(
  bytes: Buffer,
  fields: Record<string, string>,
  catalog: LanguageCatalog,
  limits: DocumentLimits,
): Promise<CheckedUpload> {
  // The fields first: they are cheap to check, and no field is read before its length is.
  const options = parseUploadOptions(catalog, fields);
  const selection = fields.pages === '' ? undefined : fields.pages;
  const document = await inspectDocument(bytes, selection, limits);
  if (document) return { kind: 'document', mediaType: document.mediaType, options: { ...options, pages: document.pages } };
  const imageType = requireImageType(bytes);
  // An image is a document of one page: a selection may name that page, and no other.
  selectPages(selection, 1);
  await validateImage(bytes, imageType, { maxPixels: limits.maxPixels });
  return { kind: 'image', mediaType: IMAGE_TYPES[imageType].mediaType, options };
}
