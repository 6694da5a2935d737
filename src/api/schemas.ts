/** JSON schemas of the HTTP contract: they drive serialisation and the OpenAPI document at /docs. */

import { ACCEPTED_IMAGE_TYPES } from '../ocr/image-type.js';

export const errorBodySchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable SNAKE_CASE code to match on.' },
        message: { type: 'string', description: 'A sentence a person can act on.' },
      },
    },
  },
} as const;

export const taskIdParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'The task_id returned by POST /upload.' } },
} as const;

export const acceptedBodySchema = {
  type: 'object',
  required: ['task_id', 'status', 'status_url'],
  properties: {
    task_id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['queued'] },
    status_url: { type: 'string', description: 'Where to fetch the result.' },
  },
} as const;

export const uploadFormSchema = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary', description: `The image: ${ACCEPTED_IMAGE_TYPES}.` },
    lang: { type: 'string', description: 'Language set, such as eng or eng+deu. Default eng.' },
    psm: {
      type: 'integer',
      minimum: 0,
      maximum: 13,
      description: 'Tesseract page segmentation mode. Default: chosen per page (6, one block; 3, automatic, for two columns).',
    },
    output: {
      type: 'string',
      description:
        'Comma-separated renditions besides the text: words and lines (boxes in the JSON result), hocr, tsv, pdf (GET /result/{id}?format=...).',
      example: 'words,hocr',
    },
    preprocess: { type: 'boolean', description: 'false sends the image to tesseract exactly as uploaded. Default true.' },
    callback_url: {
      type: 'string',
      format: 'uri',
      description: 'Where to POST the task, signed with HMAC-SHA256 (X-OCR-Signature over "<X-OCR-Timestamp>.<body>"), when it ends.',
    },
  },
} as const;

export const uploadQuerySchema = {
  type: 'object',
  properties: {
    lang: uploadFormSchema.properties.lang,
    psm: { type: 'string', pattern: '^[0-9]+$', description: uploadFormSchema.properties.psm.description },
    output: { type: 'string', description: uploadFormSchema.properties.output.description },
    preprocess: { type: 'string', enum: ['true', 'false', '1', '0'], description: uploadFormSchema.properties.preprocess.description },
    callback_url: { type: 'string', description: uploadFormSchema.properties.callback_url.description },
  },
} as const;

/** Words or lines with their boxes, in pixels of the uploaded image as viewers show it (EXIF orientation applied). */
const textBoxesSchema = (description: string) =>
  ({
    type: 'array',
    description,
    items: {
      type: 'object',
      properties: {
        text: { type: 'string' },
        confidence: { type: 'number', description: '0 to 100.' },
        bbox: {
          type: 'object',
          description: 'Left, top, right and bottom edges in pixels of the uploaded image.',
          properties: { x0: { type: 'integer' }, y0: { type: 'integer' }, x1: { type: 'integer' }, y1: { type: 'integer' } },
        },
      },
    },
  }) as const;

const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;

export const jobBodySchema = {
  type: 'object',
  required: ['task_id', 'status', 'created_at', 'attempts'],
  properties: {
    task_id: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'processing', 'completed', 'failed'] },
    created_at: { type: 'string', format: 'date-time' },
    started_at: nullableTimestamp,
    finished_at: nullableTimestamp,
    attempts: { type: 'integer', description: 'Processing attempts so far.' },
    progress: { type: ['number', 'null'], description: 'Fraction recognised, 0 to 1, while processing.' },
    options: {
      type: 'object',
      properties: {
        lang: { type: 'string' },
        psm: { type: ['integer', 'null'] },
        preprocess: { type: 'boolean' },
        outputs: { type: 'array', items: { type: 'string' }, description: 'Renditions asked for besides the text.' },
      },
    },
    result: {
      type: ['object', 'null'],
      properties: {
        text: { type: 'string' },
        confidence: { type: 'number', description: 'Mean word confidence, 0 to 100.' },
        lang: { type: 'string' },
        psm: { type: 'integer' },
        timings: {
          type: 'object',
          properties: { queued_ms: { type: 'integer' }, recognition_ms: { type: 'integer' } },
        },
        words: textBoxesSchema('Each recognised word, when output=words was asked for.'),
        lines: textBoxesSchema('Each recognised line, when output=lines was asked for.'),
        formats: {
          type: 'array',
          items: { type: 'string', enum: ['text', 'hocr', 'tsv', 'pdf'] },
          description: 'Renditions GET /result/{id}?format=... serves for this task.',
        },
      },
    },
    error: { ...errorBodySchema.properties.error, type: ['object', 'null'] },
    callback: {
      type: ['object', 'null'],
      description: 'How the callback went, once the task has ended.',
      properties: {
        url: { type: 'string' },
        status: { type: 'string', enum: ['delivered', 'failed'] },
        attempts: { type: 'integer' },
        last_status: { type: ['integer', 'null'] },
        last_error: { type: ['string', 'null'] },
        finished_at: { type: 'string', format: 'date-time' },
      },
    },
  },
} as const;

export const waitQuerySchema = {
  type: 'object',
  properties: {
    wait: { type: 'number', minimum: 0, maximum: 30, description: 'Hold the request up to this many seconds until the job ends.' },
    format: {
      type: 'string',
      enum: ['json', 'text', 'hocr', 'tsv', 'pdf'],
      description: 'json (default): the task. Otherwise that rendition of a completed task, with its own content type; hocr, tsv and pdf only when asked for in output= at upload.',
    },
  },
} as const;
