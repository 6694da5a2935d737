/**
 * The task as `GET /result/{id}` answers it (`toJobBody`), in named parts: each schema has an `$id`, is registered
 * once (`app.addSchema`) and is referred to as `{ $ref: 'Name#' }`, so the OpenAPI document shows it as a component
 * of that name and a generated client gets a type of that name.
 */
import { OUTPUT_FORMAT_NAMES, OUTPUT_FORMATS, REGIONS_SCHEMA, RENDITION_NAMES, RESULT_FIELD_NAMES, TABLES_SCHEMA } from '../formats.js';
import { JOB_STATUSES } from '../job.js';

const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;

/** A named schema, or null. */
const orNull = (name: string, description: string) => ({ description, anyOf: [{ $ref: `${name}#` }, { type: 'null' }] });

const rotationSchema = { type: 'integer', enum: [0, 90, 180, 270] } as const;

export const timingsSchema = {
  $id: 'Timings',
  type: 'object',
  description: 'How long the task waited in the queue and how long it was read, in milliseconds.',
  required: ['queued_ms', 'recognition_ms'],
  properties: { queued_ms: { type: 'integer' }, recognition_ms: { type: 'integer' } },
} as const;

/** What the upload asked for, as `GET /result/{id}` and `GET /archive/{id}` both show it (`toOptionsBody`). */
export const taskOptionsSchema = {
  $id: 'TaskOptions',
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
} as const;

export const pageSchema = {
  $id: 'Page',
  type: 'object',
  description: 'One page of a document, as read.',
  required: ['page', 'text', 'confidence', 'source'],
  properties: {
    page: { type: 'integer', description: '1-based page number of the original document.' },
    text: { type: 'string' },
    confidence: { type: 'number', description: '0 to 100; 100 for a text layer.' },
    source: { type: 'string', enum: ['text-layer', 'ocr'], description: "text-layer: the PDF page's own text; ocr: read from its image." },
    lang: { type: 'string', description: 'OCR pages: the language set the page was read with.' },
    rotation: { ...rotationSchema, description: 'OCR pages: degrees the page was turned clockwise to read it upright.' },
    words: OUTPUT_FORMATS.words.schema,
    lines: OUTPUT_FORMATS.lines.schema,
    regions: REGIONS_SCHEMA,
    tables: TABLES_SCHEMA,
  },
} as const;

export const resultSchema = {
  $id: 'Result',
  type: 'object',
  description: 'The recognised text and the outputs asked for, once completed.',
  required: ['text', 'confidence', 'lang', 'rotation', 'psm', 'timings', 'formats'],
  properties: {
    text: { type: 'string' },
    confidence: { type: 'number', description: 'Mean word confidence, 0 to 100.' },
    lang: { type: 'string', description: 'The language set the page was read with: for lang=auto, the language found.' },
    rotation: {
      ...rotationSchema,
      description:
        'Degrees the image was turned clockwise to read it upright: not 0 for a page scanned sideways or upside down (a document gives it per page).',
    },
    psm: { type: 'integer', description: 'The page segmentation mode the page was read with.' },
    regions: REGIONS_SCHEMA,
    tables: TABLES_SCHEMA,
    timings: { $ref: 'Timings#' },
    ...Object.fromEntries(RESULT_FIELD_NAMES.map((name) => [name, OUTPUT_FORMATS[name].schema])),
    pages: {
      type: 'array',
      description: 'Documents only: each page read, in the order of the original; result.text joins their texts with form feeds.',
      items: { $ref: 'Page#' },
    },
    min_page_confidence: {
      type: 'number',
      description: 'Documents only: the confidence of the least confident page, 0 to 100; one page read poorly shows here, where the mean hides it.',
    },
    formats: {
      type: 'array',
      items: { type: 'string', enum: RENDITION_NAMES },
      description: 'The renditions GET /result/{id}?format=... serves for this task.',
    },
  },
} as const;

export const callbackSchema = {
  $id: 'Callback',
  type: 'object',
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
} as const;

export const taskSchema = {
  $id: 'Task',
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
    options: { $ref: 'TaskOptions#' },
    result: orNull('Result', 'The recognised text and the outputs asked for, once completed.'),
    error: orNull('Error', 'Why the task failed, or what went wrong on the attempt it is queued again after.'),
    callback: orNull('Callback', 'How the callback went, once the task has ended.'),
  },
} as const;

/** The task's parts, each registered once; `Task` refers to the others. */
export const TASK_SCHEMAS = [timingsSchema, taskOptionsSchema, pageSchema, resultSchema, callbackSchema, taskSchema] as const;
