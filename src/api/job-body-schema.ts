import { OUTPUT_FORMAT_NAMES, OUTPUT_FORMATS, REGIONS_SCHEMA, RENDITION_NAMES, RESULT_FIELD_NAMES, TABLES_SCHEMA } from '../formats.js';
import { JOB_STATUSES } from '../job.js';
import { errorSchema } from './shared-schemas.js';

const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;

/** A task as `GET /result/{id}` answers it (`toJobBody`), referenced as `JobBody#`. */
export const jobBodySchema = {
  $id: 'JobBody',
  description: 'A task: its state, what the upload asked for, and once completed its text and outputs.',
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
        rotation_confidence: {
          type: 'number',
          minimum: 0,
          maximum: 1,
          description:
            "Images only: how sure the service is of rotation, 0 to 1. 1 when the upright read left no doubt; otherwise the share of the evidence weighed (tesseract's orientation detection, a read at the turn it found) that points to rotation; 0 when neither could tell.",
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
