/** The schemas of `GET /search` and `GET /archive/{id}`. */

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

/** One hit of `GET /search`. */
export const searchHitSchema = {
  $id: 'SearchHit',
  type: 'object',
  description: 'An archived task that matches, with the text around the matches.',
  required: ['task_id', 'file_name', 'page', 'score', 'snippet', 'created_at', 'lang', 'pages'],
  properties: {
    task_id: { type: 'string' },
    file_name: { type: ['string', 'null'], description: 'The uploaded file name, as the client sent it.' },
    page: {
      type: ['integer', 'null'],
      description:
        "The page of a document that holds the first match (its number in the original); null for a one-page text, or when the match is in another of the document's languages alone.",
    },
    score: { type: 'number', description: 'Relevance (ts_rank); higher is better.' },
    snippet: { type: 'string', description: 'HTML-escaped text around the matches, each match in <mark>…</mark>.' },
    created_at: { type: 'string', format: 'date-time' },
    lang: { type: 'string' },
    pages: { type: 'integer', description: 'Pages of the archived text.' },
  },
} as const;

export const searchResponseSchema = {
  description: 'The best matches first.',
  type: 'object',
  required: ['results', 'next_cursor'],
  properties: {
    results: { type: 'array', items: { $ref: 'SearchHit#' } },
    next_cursor: { type: ['string', 'null'], description: 'Pass as cursor= for the next page; null on the last page.' },
  },
} as const;

/** One page of an archived text: numbered as `Page` is, in the original document. */
export const archivedPageSchema = {
  $id: 'ArchivedPage',
  type: 'object',
  description: 'One page of an archived text.',
  required: ['page', 'text'],
  properties: { page: { type: 'integer', description: '1-based page number of the original document.' }, text: { type: 'string' } },
} as const;

export const archivedTaskSchema = {
  $id: 'ArchivedTask',
  description: 'A completed task as the archive keeps it.',
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
    options: { $ref: 'TaskOptions#' },
    timings: { $ref: 'Timings#' },
    created_at: { type: 'string', format: 'date-time' },
    finished_at: { type: 'string', format: 'date-time' },
    archived_at: { type: 'string', format: 'date-time' },
    text: { type: 'string' },
    pages: { type: 'array', items: { $ref: 'ArchivedPage#' } },
  },
} as const;

/** The archive's named schemas, registered once. */
export const ARCHIVE_SCHEMAS = [searchHitSchema, archivedPageSchema, archivedTaskSchema] as const;
