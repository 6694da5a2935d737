import { AppError } from '../errors.js';
import { isOutputFormat, OUTPUT_FORMAT_NAMES, RESULT_FIELD_NAMES, type OutputFormat } from '../formats.js';
import type { OcrOptions } from '../job.js';
import { ACCEPTED_IMAGE_TYPES } from '../ocr/input/image-type.js';
import type { LanguageCatalog } from '../ocr/engine/languages.js';

export const DEFAULT_LANGUAGE = 'eng';

/** Tesseract's page segmentation modes run from 0 to 13. */
const MAX_PSM = 13;

/**
 * The longest value each form field takes, in characters. A longer value is refused, never cut short: a cut `lang`
 * or `pages` could still parse, and run as something the client did not ask for.
 */
export const FIELD_MAX_LENGTHS = {
  lang: 100,
  psm: 8,
  output: 100,
  preprocess: 8,
  pages: 1024,
  force_ocr: 8,
  callback_url: 2048,
} as const;

type LimitedField = keyof typeof FIELD_MAX_LENGTHS;

const isLimitedField = (name: string): name is LimitedField => Object.hasOwn(FIELD_MAX_LENGTHS, name);

/** The longest name of the uploaded file, as its part of the form gives it; the name is kept with the task and archived. */
export const FILE_NAME_MAX_LENGTH = 255;

/**
 * What the multipart parser keeps of one field, in bytes: room for the longest limit in any UTF-8 characters, so a
 * value within its limit is never cut, and a value the parser cut is over its limit.
 */
export const MULTIPART_FIELD_BYTES = 4 * Math.max(...Object.values(FIELD_MAX_LENGTHS));

/** Refuses a file name over FILE_NAME_MAX_LENGTH with FIELD_TOO_LONG. */
export function checkFileName(name: string): void {
  if (name.length > FILE_NAME_MAX_LENGTH) {
    throw new AppError('FIELD_TOO_LONG', `The file name is longer than its limit of ${FILE_NAME_MAX_LENGTH} characters.`);
  }
}

const outputDescription =
  `Outputs, comma-separated, from ${OUTPUT_FORMAT_NAMES.join(', ')}. text is always produced; ` +
  `${RESULT_FIELD_NAMES.join(' and ')} come in the JSON result, the others from GET /result/{id}?format=<name>.`;

/** A field the form on /docs leaves empty: its values, or empty, which reads as the field left out. */
const orEmpty = <Schema extends object>(schema: Schema) => ({ anyOf: [schema, { type: 'string', enum: [''] }], example: '' }) as const;

/**
 * The fields of the `POST /upload` form, the only place the upload takes options. Swagger UI fills every field of
 * the form on /docs and sends it (a sample such as "string" or 0 when the schema gives no value), so each gives a
 * value that changes nothing: the server's default, or, where the server chooses (psm, pages) or there is nothing
 * to do (callback_url), an empty example, which reads as the field left out.
 */
const uploadFormFields = {
  file: {
    type: 'string',
    format: 'binary',
    description: `The image (${ACCEPTED_IMAGE_TYPES}) or document: a PDF, or a TIFF, GIF or WebP of several pages, each page read.`,
  },
  lang: {
    type: 'string',
    maxLength: FIELD_MAX_LENGTHS.lang,
    default: DEFAULT_LANGUAGE,
    description:
      'Language set: installed codes joined with +, such as eng or eng+deu (GET /languages lists them), or auto to ' +
      "find the page's language among the installed ones (read in English first, then again in the language found).",
  },
  psm: {
    ...orEmpty({ type: 'integer', minimum: 0, maximum: MAX_PSM }),
    description:
      'Tesseract page segmentation mode: 3 (automatic layout), 6 (one block of text), 7 (one line), and so on. ' +
      "Leave it out (or empty) to let the service find the page's regions (headings, columns, tables) and read each one the way it needs; a mode given here reads the whole page with it.",
  },
  output: { type: 'string', maxLength: FIELD_MAX_LENGTHS.output, default: 'text', description: outputDescription },
  preprocess: { type: 'boolean', default: true, description: 'false sends the image to tesseract exactly as uploaded.' },
  pages: {
    type: 'string',
    maxLength: FIELD_MAX_LENGTHS.pages,
    example: '',
    description:
      'Documents (PDF, multi-page TIFF, GIF or WebP): the pages to read, such as 1-3,7 or 2- (page 2 to the end). Leave it out to read every page.',
  },
  force_ocr: {
    type: 'boolean',
    default: false,
    description: 'Documents: true reads every PDF page with OCR, even a page whose own text layer would be used as it is.',
  },
  callback_url: {
    ...orEmpty({ type: 'string', format: 'uri', maxLength: FIELD_MAX_LENGTHS.callback_url }),
    description: 'Where to POST the task, signed with HMAC-SHA256 (X-OCR-Signature over "<X-OCR-Timestamp>.<body>"), when it ends.',
  },
} as const;

/** The upload form as the OpenAPI document shows it: without callback_url on a server whose callbacks are off. */
export function uploadFormSchema({ callbacksEnabled }: { callbacksEnabled: boolean }) {
  const { callback_url, ...always } = uploadFormFields;
  return { type: 'object', required: ['file'], properties: callbacksEnabled ? { ...always, callback_url } : always } as const;
}

const BOOLEANS: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };

function parsePsm(value: string): number {
  const psm = Number(value);
  if (!/^\d+$/.test(value.trim()) || psm > MAX_PSM) {
    throw new AppError('INVALID_PARAMETER', `psm must be a whole number from 0 to ${MAX_PSM}; got ${JSON.stringify(value)}.`);
  }
  return psm;
}

/** The outputs asked for besides the text, which is always produced and may be named or not. */
function parseOutputs(value: string): OutputFormat[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !isOutputFormat(name));
  if (unknown.length > 0) {
    throw new AppError(
      'INVALID_PARAMETER',
      `Unknown output ${JSON.stringify(unknown.join(','))}: choose from ${OUTPUT_FORMAT_NAMES.join(', ')}, comma-separated.`,
    );
  }
  return OUTPUT_FORMAT_NAMES.filter((name) => name !== 'text' && names.includes(name));
}

function parseBoolean(name: string, value: string): boolean {
  const parsed = BOOLEANS[value.trim().toLowerCase()];
  if (parsed === undefined) throw new AppError('INVALID_PARAMETER', `${name} must be true or false; got ${JSON.stringify(value)}.`);
  return parsed;
}

const FORM_FIELDS = Object.keys(uploadFormFields);

const unknownField = (name: string) =>
  new AppError('INVALID_PARAMETER', `Unknown form field ${JSON.stringify(name)}: the form takes ${FORM_FIELDS.join(', ')}.`);

/** Refuses form fields the upload does not take, so a misspelt option (`language=deu`) never silently falls back to a default. */
function refuseUnknownFields(fields: Record<string, string>): void {
  const unknown = Object.keys(fields).find((name) => !FORM_FIELDS.includes(name));
  if (unknown !== undefined) throw unknownField(unknown);
}

/**
 * The error for a field over its limit: FIELD_TOO_LONG naming the field and its limit, or, for a field the form
 * does not take, INVALID_PARAMETER naming it.
 */
export function fieldTooLong(name: string): AppError {
  if (!isLimitedField(name)) return unknownField(name);
  return new AppError('FIELD_TOO_LONG', `The form field ${JSON.stringify(name)} is longer than its limit of ${FIELD_MAX_LENGTHS[name]} characters.`);
}

/** Refuses the first value over its field's limit. */
function refuseLongFields(fields: Record<string, string>): void {
  const long = Object.entries(fields).find(([name, value]) => isLimitedField(name) && value.length > FIELD_MAX_LENGTHS[name]);
  if (long) throw fieldTooLong(long[0]);
}

/**
 * The options are form fields and nowhere else: refusing them in the query string keeps one documented place
 * and no precedence rule between two.
 */
export function refuseQueryOptions(query: Record<string, unknown>): void {
  const names = Object.keys(query);
  if (names.length > 0) {
    throw new AppError(
      'INVALID_PARAMETER',
      `POST /upload takes no query parameters: send ${JSON.stringify(names[0])} as a multipart form field, as the file is.`,
    );
  }
}

/**
 * Reads `lang`, `psm`, `output`, `preprocess` and `force_ocr` from the upload's form fields, refusing any field the
 * form does not take and any value over its field's limit.
 */
export function parseUploadOptions(catalog: LanguageCatalog, fields: Record<string, string>): OcrOptions {
  refuseUnknownFields(fields);
  refuseLongFields(fields);
  const read = (name: string) => (fields[name] === '' ? undefined : fields[name]);
  const options: OcrOptions = { lang: catalog.parseRequestedLanguage(read('lang') ?? DEFAULT_LANGUAGE) };
  const psm = read('psm');
  if (psm !== undefined) options.psm = parsePsm(psm);
  const output = read('output');
  const outputs = output === undefined ? [] : parseOutputs(output);
  if (outputs.length > 0) options.outputs = outputs;
  const preprocess = read('preprocess');
  if (preprocess !== undefined) options.preprocess = parseBoolean('preprocess', preprocess);
  const forceOcr = read('force_ocr');
  if (forceOcr !== undefined && parseBoolean('force_ocr', forceOcr)) options.forceOcr = true;
  return options;
}
