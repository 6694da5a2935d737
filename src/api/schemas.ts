/** JSON schemas of the HTTP contract: they drive validation, serialisation and the OpenAPI document at /docs. */
import {
  OUTPUT_FORMAT_NAMES,
  OUTPUT_FORMATS,
  REGIONS_SCHEMA,
  RENDITION_NAMES,
  RESULT_FIELD_NAMES,
  TABLES_SCHEMA,
  type RenditionFormat,
} from '../formats.js';
import type { Security } from '../http/security.js';
import { JOB_STATUSES } from '../job.js';

/** The longest `GET /result/:id?wait=` holds a request, in seconds. */
export const MAX_WAIT_SECONDS = 30;

const errorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'Stable SNAKE_CASE code to match on.' },
    message: { type: 'string', description: 'A sentence a person can act on.' },
  },
} as const;

const errorBodySchema = { type: 'object', required: ['error'], properties: { error: errorSchema } } as const;

/** An error answer, described for the status it is documented under. */
export const errorResponse = (description: string) => ({ ...errorBodySchema, description });

/** Every operation that touches tasks takes an API key when the server has API_KEYS. */
export const keyRequired: Security = [{ bearer: [] }, { apiKey: [] }];

export const taskIdParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'The task_id returned by POST /upload.' } },
} as const;

export const acceptedResponseSchema = {
  description: 'Accepted: the job is queued. Fetch its state and text from status_url (also in the Location header).',
  headers: { Location: { type: 'string', description: 'The status_url: /result/{task_id}.' } },
  type: 'object',
  required: ['task_id', 'status', 'status_url'],
  properties: {
    task_id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['queued'] },
    status_url: { type: 'string', description: 'Where to fetch the result: /result/{task_id}.' },
  },
} as const;

const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;

const jobBodySchema = {
  type: 'object',
  required: ['task_id', 'status', 'created_at', 'started_at', 'finished_at', 'attempts', 'progress', 'options', 'result', 'error', 'callback'],
  properties: {
    task_id: { type: 'string' },
    status: { type: 'string', enum: JOB_STATUSES },
    created_at: { type: 'string', format: 'date-time' },
    started_at: nullableTimestamp,
    finished_at: nullableTimestamp,
    attempts: { type: 'integer', description: 'Processing attempts so far.' },
    progress: { type: ['number', 'null'], description: 'Fraction recognised, 0 to 1: counted while processing, 1 once completed.' },
    options: {
      type: 'object',
      description: 'What the upload asked for.',
      required: ['lang', 'psm', 'preprocess', 'output'],
      properties: {
        lang: { type: 'string' },
        psm: { type: ['integer', 'null'], description: 'null: chosen per page.' },
        preprocess: { type: 'boolean' },
        output: {
          type: 'array',
          items: { type: 'string', enum: OUTPUT_FORMAT_NAMES },
          description: 'Every output the task produces, text included.',
        },
      },
    },
    result: {
      type: ['object', 'null'],
      description: 'The recognised text and the outputs asked for, once completed.',
      required: ['text', 'confidence', 'lang', 'rotation', 'psm', 'timings', 'formats'],
      properties: {
        text: { type: 'string' },
        confidence: { type: 'number', description: 'Mean word confidence, 0 to 100.' },
        lang: { type: 'string', description: 'The language set the page was read with: for lang=auto, the language found.' },
        rotation: {
          type: 'integer',
          enum: [0, 90, 180, 270],
          description:
            'Degrees the image was turned clockwise to read it upright: not 0 for a page scanned sideways or upside down (a document gives it per page).',
        },
        psm: { type: 'integer', description: 'The page segmentation mode the page was read with.' },
        regions: REGIONS_SCHEMA,
        tables: TABLES_SCHEMA,
        timings: {
          type: 'object',
          required: ['queued_ms', 'recognition_ms'],
          properties: { queued_ms: { type: 'integer' }, recognition_ms: { type: 'integer' } },
        },
        ...Object.fromEntries(RESULT_FIELD_NAMES.map((name) => [name, OUTPUT_FORMATS[name].schema])),
        pages: {
          type: 'array',
          description: 'Documents only: each page read, in the order of the original; result.text joins their texts with form feeds.',
          items: {
            type: 'object',
            required: ['page', 'text', 'confidence', 'source'],
            properties: {
              page: { type: 'integer', description: '1-based page number of the original document.' },
              text: { type: 'string' },
              confidence: { type: 'number', description: '0 to 100; 100 for a text layer.' },
              source: { type: 'string', enum: ['text-layer', 'ocr'], description: "text-layer: the PDF page's own text; ocr: read from its image." },
              lang: { type: 'string', description: 'OCR pages: the language set the page was read with.' },
              rotation: {
                type: 'integer',
                enum: [0, 90, 180, 270],
                description: 'OCR pages: degrees the page was turned clockwise to read it upright.',
              },
              words: OUTPUT_FORMATS.words.schema,
              lines: OUTPUT_FORMATS.lines.schema,
              regions: REGIONS_SCHEMA,
              tables: TABLES_SCHEMA,
            },
          },
        },
        min_page_confidence: {
          type: 'number',
          description:
            'Documents only: the confidence of the least confident page, 0 to 100; one page read poorly shows here, where the mean hides it.',
        },
        formats: {
          type: 'array',
          items: { type: 'string', enum: RENDITION_NAMES },
          description: 'The renditions GET /result/{id}?format=... serves for this task.',
        },
      },
    },
    error: {
      ...errorSchema,
      type: ['object', 'null'],
      description: 'Why the task failed, or what went wrong on the attempt it is queued again after.',
    },
    callback: {
      type: ['object', 'null'],
      description: 'How the callback went, once the task has ended.',
      required: ['url', 'status', 'attempts', 'last_status', 'last_error', 'finished_at'],
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

/** `GET /result/{id}`: the task as JSON, or one rendition of it in that rendition's own media type. */
export const resultResponseSchema = {
  description: 'The task as JSON; with format= other than json, that rendition of the completed task.',
  headers: {
    'Content-Disposition': {
      type: 'string',
      description: `Renditions served as downloads: ${RENDITION_NAMES.flatMap((name) => {
        const { attachmentExtension }: RenditionFormat = OUTPUT_FORMATS[name];
        return attachmentExtension ? [`format=${name}: attachment; filename="<task_id>.${attachmentExtension}"`] : [];
      }).join(', ')}.`,
    },
    'Content-Security-Policy': { type: 'string', description: "Every rendition: default-src 'none'; sandbox." },
    'X-Content-Type-Options': { type: 'string', description: 'Every rendition: nosniff.' },
  },
  content: {
    'application/json': { schema: jobBodySchema },
    ...Object.fromEntries(
      RENDITION_NAMES.map((name) => {
        const format: RenditionFormat = OUTPUT_FORMATS[name];
        const schema = { type: 'string', description: `format=${name}: ${format.description}`, ...(format.binary && { format: 'binary' }) };
        return [format.mediaType, { schema }];
      }),
    ),
  },
} as const;

export const resultQuerySchema = {
  type: 'object',
  properties: {
    wait: {
      type: 'number',
      minimum: 0,
      maximum: MAX_WAIT_SECONDS,
      description: `Hold the request up to this many seconds (at most ${MAX_WAIT_SECONDS}) until the task ends.`,
    },
    format: {
      type: 'string',
      enum: ['json', ...RENDITION_NAMES],
      default: 'json',
      description:
        'json: the task. Otherwise that rendition of a completed task, with its own media type; hocr, tsv and pdf only when asked for in output= at upload.',
    },
  },
} as const;

/** The most results one page of `GET /search` holds. */
export const MAX_SEARCH_LIMIT = 100;

export const searchQuerySchema = {
  type: 'object',
  required: ['q'],
  additionalProperties: false,
  properties: {
    q: {
      type: 'string',
      minLength: 1,
      maxLength: 500,
      description: 'Words to find, as in a web search: "an exact phrase", or, -excluded. Stemmed per language and accent-insensitive.',
    },
    lang: {
      type: 'string',
      maxLength: 100,
      pattern: '^[a-z_]+(\\+[a-z_]+)*$',
      description: 'Only tasks read with exactly this language set (deu, eng+deu); the words are then stemmed for it alone.',
    },
    from: { type: 'string', format: 'date-time', maxLength: 64, description: 'Only tasks uploaded at or after this time.' },
    to: { type: 'string', format: 'date-time', maxLength: 64, description: 'Only tasks uploaded before this time.' },
    media_type: { type: 'string', maxLength: 255, description: 'Only uploads of this media type, such as image/png.' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_SEARCH_LIMIT, default: 20, description: 'Results per page.' },
    cursor: { type: 'string', maxLength: 200, description: 'next_cursor of the previous page, unchanged.' },
  },
} as const;

export const searchResponseSchema = {
  description: 'The best matches first.',
  type: 'object',
  required: ['results', 'next_cursor'],
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['task_id', 'score', 'snippet', 'created_at', 'lang', 'pages'],
        properties: {
          task_id: { type: 'string' },
          score: { type: 'number', description: 'Relevance (ts_rank); higher is better.' },
          snippet: { type: 'string', description: 'HTML-escaped text around the matches, each match in <mark>…</mark>.' },
          created_at: { type: 'string', format: 'date-time' },
          lang: { type: 'string' },
          pages: { type: 'integer', description: 'Pages of the archived text.' },
        },
      },
    },
    next_cursor: { type: ['string', 'null'], description: 'Pass as cursor= for the next page; null on the last page.' },
  },
} as const;

export const archiveRecordSchema = {
  description: 'The archived task.',
  type: 'object',
  required: [
    'task_id',
    'file_name',
    'media_type',
    'size_bytes',
    'lang',
    'confidence',
    'options',
    'timings',
    'created_at',
    'finished_at',
    'archived_at',
    'text',
    'pages',
  ],
  properties: {
    task_id: { type: 'string' },
    file_name: { type: ['string', 'null'], description: 'The uploaded file name, as the client sent it.' },
    media_type: { type: 'string' },
    size_bytes: { type: ['integer', 'null'] },
    lang: { type: 'string' },
    confidence: { type: 'number', description: 'Mean word confidence, 0 to 100.' },
    options: {
      type: 'object',
      description: 'What the upload asked for.',
      properties: {
        lang: { type: 'string' },
        psm: { type: 'integer' },
        preprocess: { type: 'boolean' },
        outputs: { type: 'array', items: { type: 'string' } },
      },
    },
    timings: {
      type: 'object',
      required: ['queued_ms', 'recognition_ms'],
      properties: { queued_ms: { type: 'integer' }, recognition_ms: { type: 'integer' } },
    },
    created_at: { type: 'string', format: 'date-time' },
    finished_at: { type: 'string', format: 'date-time' },
    archived_at: { type: 'string', format: 'date-time' },
    text: { type: 'string' },
    pages: {
      type: 'array',
      items: { type: 'object', required: ['number', 'text'], properties: { number: { type: 'integer' }, text: { type: 'string' } } },
    },
  },
} as const;
