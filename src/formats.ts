/**
 * Every output a task can have, in one list: the text, which every recognition produces, and what an upload adds
 * with `output=`. The engine, the job model, the upload options, the result route and the OpenAPI document all
 * read it; a new format is an entry here plus the engine code that produces it.
 */

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A recognised word or line: the shape of the `words` and `lines` outputs. */
export interface TextBox {
  text: string;
  /** 0 to 100. */
  confidence: number;
  bbox: Box;
}

/** What a region of a page holds: a heading, running text (a column, a paragraph, a stray line) or a table. */
export type RegionType = 'heading' | 'text' | 'table';

/** A region of a page, in reading order: headings, then columns left to right each top to bottom, then what spans the page below. */
export interface Region {
  type: RegionType;
  /** In pixels of the uploaded image as viewers show it. */
  bbox: Box;
  text: string;
}

/** A table found on a page: its rows top to bottom, each one cell string per column (the header row first). */
export interface Table {
  bbox: Box;
  rows: string[][];
}

/*
 * The JSON schemas of these shapes, for the OpenAPI document. Each has an `$id`: the API registers them as named
 * components (`FORMAT_SCHEMAS`), and the schemas below refer to them by it.
 */
const BOX_SCHEMA = {
  $id: 'Box',
  type: 'object',
  description: 'Left, top, right and bottom edges in pixels of the uploaded image (EXIF orientation applied).',
  required: ['x0', 'y0', 'x1', 'y1'],
  properties: { x0: { type: 'integer' }, y0: { type: 'integer' }, x1: { type: 'integer' }, y1: { type: 'integer' } },
} as const;

const TEXT_BOX_SCHEMA = {
  $id: 'TextBox',
  type: 'object',
  description: 'A recognised word or line with its box.',
  required: ['text', 'confidence', 'bbox'],
  properties: {
    text: { type: 'string' },
    confidence: { type: 'number', description: '0 to 100.' },
    bbox: { $ref: 'Box#' },
  },
} as const;

const REGION_SCHEMA = {
  $id: 'Region',
  type: 'object',
  description: 'A region of a page: a heading, running text (a column, a paragraph, a stray line) or a table.',
  required: ['type', 'bbox', 'text'],
  properties: { type: { type: 'string', enum: ['heading', 'text', 'table'] }, bbox: { $ref: 'Box#' }, text: { type: 'string' } },
} as const;

const TABLE_SCHEMA = {
  $id: 'Table',
  type: 'object',
  description: 'A table found on a page: its rows top to bottom, the header first, one cell string per column.',
  required: ['bbox', 'rows'],
  properties: { bbox: { $ref: 'Box#' }, rows: { type: 'array', items: { type: 'array', items: { type: 'string' } } } },
} as const;

/** The named schemas the ones below refer to, for the API to register. */
export const FORMAT_SCHEMAS = [BOX_SCHEMA, TEXT_BOX_SCHEMA, REGION_SCHEMA, TABLE_SCHEMA] as const;

/** JSON schema of a list of text boxes, in pixels of the uploaded image as viewers show it. */
const textBoxesSchema = (description: string) => ({ type: 'array', description, items: { $ref: 'TextBox#' } }) as const;

/** JSON schema of `result.regions`. */
export const REGIONS_SCHEMA = {
  type: 'array',
  description: 'The regions of the page in reading order: headings, then columns left to right each top to bottom, then what spans the page below.',
  items: { $ref: 'Region#' },
} as const;

/** JSON schema of `result.tables`. */
export const TABLES_SCHEMA = {
  type: 'array',
  description: "The page's tables: rows top to bottom, header first, one cell string per column.",
  items: { $ref: 'Table#' },
} as const;

/** A format carried in the JSON result (`GET /result/{id}`), under its own name. */
interface ResultFieldFormat {
  servedAs: 'result-field';
  description: string;
  /** JSON schema of the field, for the OpenAPI document. */
  schema: object;
}

/** A format served on its own by `GET /result/{id}?format=<name>`. */
export interface RenditionFormat {
  servedAs: 'rendition';
  description: string;
  mediaType: string;
  /**
   * Binary renditions are stored base64-encoded (results travel and are stored as JSON) and served as bytes;
   * the others are UTF-8 text.
   */
  binary?: true;
  /** Served as a download named `<task_id>.<extension>`. */
  attachmentExtension?: string;
}

export const OUTPUT_FORMATS = {
  text: {
    servedAs: 'rendition',
    description: 'The recognised text; always produced, and in the JSON result as result.text.',
    mediaType: 'text/plain',
  },
  words: {
    servedAs: 'result-field',
    description: 'Each recognised word with its box, in the JSON result as result.words.',
    schema: textBoxesSchema('Each recognised word, when output=words was asked for.'),
  },
  lines: {
    servedAs: 'result-field',
    description: 'Each recognised line with its box, in the JSON result as result.lines.',
    schema: textBoxesSchema('Each recognised line, when output=lines was asked for.'),
  },
  hocr: {
    servedAs: 'rendition',
    description: 'hOCR: HTML with the page layout and a box for every word.',
    mediaType: 'text/html',
    // HTML a browser would render on the service's origin: a download instead.
    attachmentExtension: 'hocr',
  },
  tsv: {
    servedAs: 'rendition',
    description: "Tesseract's TSV: one row per page, block, paragraph, line and word, with boxes and confidences.",
    mediaType: 'text/tab-separated-values',
  },
  pdf: {
    servedAs: 'rendition',
    description: 'A searchable PDF: the image with an invisible text layer.',
    mediaType: 'application/pdf',
    binary: true,
    attachmentExtension: 'pdf',
  },
} as const satisfies Record<string, ResultFieldFormat | RenditionFormat>;

export type OutputFormat = keyof typeof OUTPUT_FORMATS;
type FormatsServedAs<Kind> = { [F in OutputFormat]: (typeof OUTPUT_FORMATS)[F]['servedAs'] extends Kind ? F : never }[OutputFormat];
/** Formats `GET /result/{id}?format=` serves. */
export type Rendition = FormatsServedAs<'rendition'>;
/** Formats carried as fields of the JSON result. */
export type ResultField = FormatsServedAs<'result-field'>;

/** Every format, in the order the API lists them. */
export const OUTPUT_FORMAT_NAMES = Object.keys(OUTPUT_FORMATS) as OutputFormat[];
export const RENDITION_NAMES = OUTPUT_FORMAT_NAMES.filter((name): name is Rendition => OUTPUT_FORMATS[name].servedAs === 'rendition');
export const RESULT_FIELD_NAMES = OUTPUT_FORMAT_NAMES.filter((name): name is ResultField => OUTPUT_FORMATS[name].servedAs === 'result-field');

export function isOutputFormat(name: string): name is OutputFormat {
  return Object.hasOwn(OUTPUT_FORMATS, name);
}

/** Every output a task produces: the text, which needs no asking, and those asked for, in the registry's order. */
export function producedFormats(asked: readonly OutputFormat[]): OutputFormat[] {
  return OUTPUT_FORMAT_NAMES.filter((name) => name === 'text' || asked.includes(name));
}

/** The outputs as a recognition produces them. */
export interface ProducedOutputs {
  text: string;
  words?: TextBox[];
  lines?: TextBox[];
  hocr?: string;
  tsv?: string;
  pdf?: Uint8Array;
}

/** The outputs as a result keeps them: JSON-safe, so the binary PDF is base64. */
export interface StoredOutputs extends Omit<ProducedOutputs, 'pdf'> {
  pdf?: string;
}

/** The outputs a recognition produced, as the result stores them. */
export function toStoredOutputs({ text, words, lines, hocr, tsv, pdf }: ProducedOutputs): StoredOutputs {
  return {
    text,
    ...(words && { words }),
    ...(lines && { lines }),
    ...(hocr !== undefined && { hocr }),
    ...(tsv !== undefined && { tsv }),
    ...(pdf && { pdf: Buffer.from(pdf).toString('base64') }),
  };
}

/** The renditions a stored result can be fetched in: the text always, the others when they were produced. */
export function storedRenditions(stored: StoredOutputs): Rendition[] {
  return RENDITION_NAMES.filter((name) => stored[name] !== undefined);
}

/** The result fields a stored result carries. */
export function storedResultFields(stored: StoredOutputs): Pick<StoredOutputs, ResultField> {
  return Object.fromEntries(RESULT_FIELD_NAMES.flatMap((name) => (stored[name] ? [[name, stored[name]]] : [])));
}

/** The Content-Type header a rendition is served with. */
export function contentTypeOf(rendition: Rendition): string {
  const format: RenditionFormat = OUTPUT_FORMATS[rendition];
  return format.binary ? format.mediaType : `${format.mediaType}; charset=utf-8`;
}

/** The Content-Disposition header a rendition is served with, when it is served as a download. */
export function contentDispositionOf(rendition: Rendition, taskId: string): string | undefined {
  const { attachmentExtension }: RenditionFormat = OUTPUT_FORMATS[rendition];
  return attachmentExtension && `attachment; filename="${taskId}.${attachmentExtension}"`;
}

/** The bytes or text of one stored rendition; undefined when it was not produced. */
export function renditionBody(stored: StoredOutputs, rendition: Rendition): string | Buffer | undefined {
  const body = stored[rendition];
  if (body === undefined) return undefined;
  const format: RenditionFormat = OUTPUT_FORMATS[rendition];
  return format.binary ? Buffer.from(body, 'base64') : body;
}
