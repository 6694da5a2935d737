/**
 * Every error the service reports to a client or records on a failed job, by code.
 * `permanent` errors can never succeed on a retry (bad input); the others are faults worth retrying.
 * `outage` errors say a dependency (Redis, the broker) cannot be reached: nobody's job is at fault, so they
 * spend no attempt of the job that met them.
 */
export const ERROR_CODES = {
  MISSING_FILE: { status: 400, permanent: true },
  EMPTY_FILE: { status: 400, permanent: true },
  INVALID_PARAMETER: { status: 400, permanent: true },
  FIELD_TOO_LONG: { status: 400, permanent: true },
  INVALID_MULTIPART: { status: 400, permanent: true },
  UNSUPPORTED_LANGUAGE: { status: 400, permanent: true },
  INVALID_CALLBACK_URL: { status: 400, permanent: true },
  UNAUTHORIZED: { status: 401, permanent: true },
  REQUEST_TIMEOUT: { status: 408, permanent: true },
  HEADERS_TOO_LARGE: { status: 431, permanent: true },
  BAD_REQUEST: { status: 400, permanent: true },
  NOT_FOUND: { status: 404, permanent: true },
  IDEMPOTENCY_KEY_REUSED: { status: 409, permanent: true },
  NO_RESULT: { status: 409, permanent: true },
  FORMAT_NOT_REQUESTED: { status: 409, permanent: true },
  FILE_TOO_LARGE: { status: 413, permanent: true },
  IMAGE_TOO_LARGE: { status: 413, permanent: true },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, permanent: true },
  IMAGE_UNREADABLE: { status: 422, permanent: true },
  IMAGE_TOO_SMALL: { status: 422, permanent: true },
  TOO_MANY_PAGES: { status: 413, permanent: true },
  PAGE_TOO_LARGE: { status: 413, permanent: true },
  DOCUMENT_ENCRYPTED: { status: 422, permanent: true },
  DOCUMENT_UNREADABLE: { status: 422, permanent: true },
  PAGE_TOO_COMPLEX: { status: 422, permanent: true },
  OCR_TIMEOUT: { status: 500, permanent: true },
  OCR_FAILED: { status: 500, permanent: false },
  WORKER_LOST: { status: 500, permanent: false },
  JOB_LOST: { status: 500, permanent: true },
  RATE_LIMITED: { status: 429, permanent: false },
  WORKER_SHUTDOWN: { status: 503, permanent: false },
  QUEUE_UNAVAILABLE: { status: 503, permanent: false, outage: true },
  STORE_UNAVAILABLE: { status: 503, permanent: false, outage: true },
  ARCHIVE_UNAVAILABLE: { status: 503, permanent: false, outage: true },
  ARCHIVE_DISABLED: { status: 501, permanent: true },
  INTERNAL_ERROR: { status: 500, permanent: false },
} as const satisfies Record<string, { status: number; permanent: boolean; outage?: true }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error type the service throws on purpose; anything else is a bug and reported as INTERNAL_ERROR. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  get permanent(): boolean {
    return ERROR_CODES[this.code].permanent;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** True when the error says a dependency is unreachable, not that the job went wrong. */
export function isOutage(error: unknown): boolean {
  return isAppError(error) && 'outage' in ERROR_CODES[error.code];
}

/** The `{ code, message }` pair stored on a failed job and sent in error bodies. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (isAppError(error)) return { code: error.code, message: error.message };
  return { code: 'INTERNAL_ERROR', message: 'The job failed because of an internal error.' };
}
