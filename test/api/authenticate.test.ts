import { describe, expect, it } from 'vitest';
import { presentedApiKey } from '../../src/api/authenticate.js';

describe('authentication', () => {
  it('takes the key from a Bearer token or X-API-Key', () => {
    expect(presentedApiKey({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedApiKey({ authorization: 'bearer   abc ' })).toBe('abc');
    expect(presentedApiKey({ 'x-api-key': 'xyz' })).toBe('xyz');
    expect(presentedApiKey({ authorization: 'Basic Zm9vOmJhcg==' })).toBeUndefined();
    expect(presentedApiKey({})).toBeUndefined();
  });
});
