/** The schemas of `GET /result/{id}`. */
import { OUTPUT_FORMATS, RENDITION_NAMES, type RenditionFormat } from '../../formats.js';

/** The longest `GET /result/:id?wait=` holds a request, in seconds. */
export const MAX_WAIT_SECONDS = 30;

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
    'application/json': { schema: { $ref: 'Task#' } },
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

/** The widest page image `GET /result/{id}/pages/{page}?width=` shrinks a page to. */
export const MAX_PAGE_IMAGE_WIDTH = 2000;

export const pageImageParamsSchema = {
  type: 'object',
  required: ['id', 'page'],
  properties: {
    id: { type: 'string', description: 'The task_id returned by POST /upload.' },
    page: { type: 'integer', minimum: 1, description: "The page's number in the original document (result.pages[].page); 1 for an image." },
  },
} as const;

export const pageImageQuerySchema = {
  type: 'object',
  properties: {
    width: {
      type: 'integer',
      minimum: 16,
      maximum: MAX_PAGE_IMAGE_WIDTH,
      description: 'Shrink the page to this many pixels wide (a thumbnail); without it, the page in the pixels its word boxes are measured in.',
    },
  },
} as const;

export const pageImageResponseSchema = {
  description: "The page as a gray JPEG, rendered from the task's searchable PDF.",
  content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
} as const;
