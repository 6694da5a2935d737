import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-ocr-signature';
export const TIMESTAMP_HEADER = 'x-ocr-timestamp';

/**
 * `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`: binding the timestamp into the signature lets
 * receivers refuse replays of an old delivery.
 */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver runs: true when the signature matches and the timestamp is within `toleranceSeconds`. */
export function verifySignature(
  secret: string,
  { timestamp, body, signature }: { timestamp: string; body: string; signature: string },
  { toleranceSeconds = 300, now = Date.now() } = {},
): boolean {
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(now / 1000 - seconds) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, seconds, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
