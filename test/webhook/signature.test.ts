import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from '../../src/webhook/signature.js';

describe('webhook signature', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>" in hex', () => {
    // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
    expect(signPayload('secret', 1_700_000_000, '{"a":1}')).toBe('sha256=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686');
  });

  it('rejects malformed timestamps and signatures', () => {
    const body = '{"a":1}';
    const timestamp = Math.floor(Date.now() / 1000);
    expect(verifySignature('secret', { timestamp: 'soon', body, signature: signPayload('secret', timestamp, body) })).toBe(false);
    expect(verifySignature('secret', { timestamp: String(timestamp), body, signature: 'sha256=00' })).toBe(false);
    expect(verifySignature('secret', { timestamp: String(timestamp), body, signature: signPayload('secret', timestamp, body) })).toBe(true);
  });
});
