import type { DocumentLimits } from '../intake/document.js';
import { intake } from '../intake/intake.js';
import type { OcrOptions } from '../job.js';
import type { LanguageCatalog } from '../ocr/engine/languages.js';
import { parseUploadOptions } from './upload-options.js';

export interface CheckedUpload {
  /** A document is split into page jobs; an image is read as it is. */
  kind: 'image' | 'document';
  /** The type found from the bytes, which the job carries and the worker trusts. */
  mediaType: string;
  /** The options of the form; for a document, with the pages to read. */
  options: OcrOptions;
}

/**
 * Checks an upload's form before anything is queued: its options, then its bytes by the intake. Throws the typed
 * error of the first problem found.
 */
export async function checkUpload(
  bytes: Buffer,
  fields: Record<string, string>,
  catalog: LanguageCatalog,
  limits: DocumentLimits,
): Promise<CheckedUpload> {
  // The fields first: they are cheap to check, and no field is read before its length is.
  const options = parseUploadOptions(catalog, fields);
  const upload = await intake(bytes, { pages: fields.pages, limits });
  if (upload.kind === 'image') return { kind: 'image', mediaType: upload.mediaType, options };
  return { kind: 'document', mediaType: upload.mediaType, options: { ...options, pages: upload.pages } };
}
