import { AppError } from '../errors.js';
import type { OcrOptions } from '../job.js';
import type { LanguageCatalog } from '../ocr/languages.js';

export const DEFAULT_LANGUAGE = 'eng';

/** Tesseract's page segmentation modes run from 0 to 13. */
const MAX_PSM = 13;

/** Reads `lang` and `psm` from the form fields, or the query string when a field is absent. */
export function parseUploadOptions(
  catalog: LanguageCatalog,
  fields: Record<string, string | undefined>,
  query: Record<string, string | undefined>,
): OcrOptions {
  const lang = catalog.parseLanguageSet(fields.lang ?? query.lang ?? DEFAULT_LANGUAGE);
  const psmValue = fields.psm ?? query.psm;
  if (psmValue === undefined || psmValue === '') return { lang };
  const psm = Number(psmValue);
  if (!/^\d+$/.test(psmValue.trim()) || psm > MAX_PSM) {
    throw new AppError('INVALID_PARAMETER', `psm must be a whole number from 0 to ${MAX_PSM}; got ${JSON.stringify(psmValue)}.`);
  }
  return { lang, psm };
}
