/** The schema of `POST /upload`; its form is described in upload-options.ts, since a multipart body is read as a stream. */
import { errorResponse, keyRequired, unauthorizedResponse } from '../shared-schemas.js';

const acceptedResponseSchema = {
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

const uploadErrorResponses = {
  400: errorResponse(
    'The form is malformed, has no file, an option is invalid (INVALID_PARAMETER names it), or a field or the file name is over its length limit (FIELD_TOO_LONG).',
  ),
  401: unauthorizedResponse,
  409: errorResponse('The Idempotency-Key was used before for a different upload.'),
  413: errorResponse(
    'The file is over MAX_UPLOAD_BYTES, its header declares more than MAX_IMAGE_PIXELS pixels, a document has more than MAX_PAGES pages (TOO_MANY_PAGES), or a PDF page cannot be rendered at 100 dpi within MAX_IMAGE_PIXELS or draws an image larger than it (PAGE_TOO_LARGE).',
  ),
  415: errorResponse('The bytes are neither an image type the service reads nor a PDF.'),
  422: errorResponse(
    'The image is truncated, corrupt, or smaller than 3 pixels a side; or the PDF is password-protected (DOCUMENT_ENCRYPTED) or cannot be parsed, a page of it included (DOCUMENT_UNREADABLE).',
  ),
  429: errorResponse('Too many uploads for this key or address; retry after Retry-After seconds.'),
  503: errorResponse('The queue or the store cannot take the job now; nothing was queued, retry later.'),
};

export const uploadSchema = {
  operationId: 'uploadImage',
  summary: 'Submit an image or a document for OCR',
  description: 'Answers at once with a task id; fetch the text from status_url, with wait= to hold the request until it is ready.',
  consumes: ['multipart/form-data'],
  security: keyRequired,
  headers: {
    type: 'object',
    properties: {
      'idempotency-key': { type: 'string', description: 'Retrying with the same key returns the first task instead of a new one.' },
    },
  },
  response: { 202: acceptedResponseSchema, ...uploadErrorResponses },
} as const;
