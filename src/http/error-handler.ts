import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, ERROR_CODES, isAppError, type ErrorCode } from '../errors.js';

/** Fastify's and @fastify/multipart's own error codes, in the project's terms. */
const FRAMEWORK_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  FST_REQ_FILE_TOO_LARGE: { code: 'FILE_TOO_LARGE', message: 'The file is larger than the upload limit.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'FILE_TOO_LARGE', message: 'The request body is larger than the upload limit.' },
  FST_FILES_LIMIT: { code: 'INVALID_MULTIPART', message: 'Send exactly one file, in the field "file".' },
  FST_PARTS_LIMIT: { code: 'INVALID_MULTIPART', message: 'The form has too many parts.' },
  FST_FIELDS_LIMIT: { code: 'INVALID_MULTIPART', message: 'The form has too many fields.' },
  FST_PROTO_VIOLATION: { code: 'INVALID_MULTIPART', message: 'The form has a forbidden field name.' },
  FST_MP_PREMATURE_CLOSE: { code: 'INVALID_MULTIPART', message: 'The upload ended before the form was complete.' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    code: 'INVALID_MULTIPART',
    message: 'Send the image as multipart/form-data with the image in a field named "file".',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'INVALID_MULTIPART',
    message: 'Send the image as multipart/form-data with the image in a field named "file".',
  },
};

/** Ajv says "must be equal to one of the allowed values" without naming them; the client needs the list. */
function validationMessage({ message, validation = [] }: FastifyError): string {
  const [first] = validation;
  const allowed = first?.keyword === 'enum' ? (first.params as { allowedValues?: unknown[] }).allowedValues : undefined;
  return `Invalid request: ${message}${allowed ? `: ${allowed.join(', ')}` : ''}.`;
}

function toAppError(error: FastifyError): AppError {
  if (isAppError(error)) return error;
  const known = FRAMEWORK_ERRORS[error.code];
  if (known) return new AppError(known.code, known.message, { cause: error });
  if (error.validation) {
    const code = error.validation[0]?.keyword === 'maxLength' ? 'FIELD_TOO_LONG' : 'INVALID_PARAMETER';
    return new AppError(code, validationMessage(error), { cause: error });
  }
  // Busboy and the body parsers report malformed requests with a 4xx and no code of ours.
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('INVALID_MULTIPART', 'The request could not be parsed as multipart/form-data.', { cause: error });
  }
  return new AppError('INTERNAL_ERROR', 'Something went wrong on our side; the error has been logged.', { cause: error });
}

/** The one place where errors become HTTP answers: `{ "error": { "code", "message" } }`. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    const status = ERROR_CODES[appError.code].status;
    if (status >= 500) request.log.error({ err: error, code: appError.code }, 'request failed');
    else request.log.info({ code: appError.code, reason: error.message }, 'request refused');
    return reply.status(status).send({ error: { code: appError.code, message: appError.message } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0]}.` } }),
  );
}
