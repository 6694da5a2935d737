import { AppError } from '../../errors.js';

/** What every failed call of the Redis store becomes: an outage, which spends no attempt of the job that met it. */
export function storeUnavailable(cause?: unknown): AppError {
  return new AppError('STORE_UNAVAILABLE', 'The result store (Redis) cannot be reached; try again shortly.', { cause });
}
