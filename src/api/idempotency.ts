import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Reads the `Idempotency-Key` header: printable ASCII, at most 255 characters. */
export function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
    throw new AppError('INVALID_PARAMETER', 'Idempotency-Key must be 1 to 255 printable ASCII characters, sent once.');
  }
  return header;
}

/** Keys are per API key: two clients may use the same Idempotency-Key without meeting. */
export function scopeIdempotencyKey(owner: string | undefined, key: string): string {
  return createHash('sha256')
    .update(`${owner ?? ''}\n${key}`)
    .digest('hex');
}

/** What makes two uploads "the same request": the image bytes and every option that shapes the job. */
export function fingerprintUpload(image: Buffer, shape: unknown): string {
  return createHash('sha256').update(image).update(JSON.stringify(shape)).digest('hex');
}
