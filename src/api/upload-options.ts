import { AppError } from '../errors.js';
import type { OcrOptions } from '../job.js';
import type { ExtraOutput } from '../ocr/engine.js';
import type { LanguageCatalog } from '../ocr/languages.js';

export const DEFAULT_LANGUAGE = 'eng';

/** Tesseract's page segmentation modes run from 0 to 13. */
const MAX_PSM = 13;

/** What `output=` may list; `text` is always produced and may be named or not. */
export const OUTPUT_NAMES = ['text', 'words', 'lines', 'hocr', 'tsv', 'pdf'] as const;

const BOOLEANS: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };

function parsePsm(value: string): number {
  const psm = Number(value);
  if (!/^\d+$/.test(value.trim()) || psm > MAX_PSM) {
    throw new AppError('INVALID_PARAMETER', `psm must be a whole number from 0 to ${MAX_PSM}; got ${JSON.stringify(value)}.`);
  }
  return psm;
}

function parseOutputs(value: string): ExtraOutput[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(OUTPUT_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new AppError('INVALID_PARAMETER', `Unknown output ${JSON.stringify(unknown.join(','))}: choose from ${OUTPUT_NAMES.join(', ')}, comma-separated.`);
  }
  return OUTPUT_NAMES.filter((name): name is ExtraOutput => name !== 'text' && names.includes(name));
}

function parsePreprocess(value: string): boolean {
  const parsed = BOOLEANS[value.trim().toLowerCase()];
  if (parsed === undefined) throw new AppError('INVALID_PARAMETER', `preprocess must be true or false; got ${JSON.stringify(value)}.`);
  return parsed;
}

/** Reads `lang`, `psm`, `output` and `preprocess` from the form fields, or the query string when a field is absent. */
export function parseUploadOptions(
  catalog: LanguageCatalog,
  fields: Record<string, string | undefined>,
  query: Record<string, string | undefined>,
): OcrOptions {
  const read = (name: string) => {
    const value = fields[name] ?? query[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const options: OcrOptions = { lang: catalog.parseLanguageSet(read('lang') ?? DEFAULT_LANGUAGE) };
  const psm = read('psm');
  if (psm !== undefined) options.psm = parsePsm(psm);
  const outputs = read('output');
  if (outputs !== undefined && parseOutputs(outputs).length > 0) options.outputs = parseOutputs(outputs);
  const preprocess = read('preprocess');
  if (preprocess !== undefined) options.preprocess = parsePreprocess(preprocess);
  return options;
}
