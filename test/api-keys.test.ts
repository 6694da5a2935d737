import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { identifyApiKey, parseApiKeys } from '../src/api-keys.js';

describe('API keys', () => {
  const keys = parseApiKeys('alice:alice-key-0123456789abcdef, bob:bob-key-0123456789abcdef');

  it('names the owner of a presented key and no one for anything else', () => {
    expect(identifyApiKey(keys, 'alice-key-0123456789abcdef')).toBe('alice');
    expect(identifyApiKey(keys, 'bob-key-0123456789abcdef')).toBe('bob');
    expect(identifyApiKey(keys, 'bob-key-0123456789abcdeX')).toBeUndefined();
    expect(identifyApiKey(keys, '')).toBeUndefined();
    expect(identifyApiKey([], 'alice-key-0123456789abcdef')).toBeUndefined();
  });

  it('reads many keys from a file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'keys-')), 'keys.txt');
    fs.writeFileSync(file, '# team keys\ncarol:carol-key-0123456789abcdef\n\ndave:dave-key-0123456789abcdef\n');
    expect(parseApiKeys(file).map((key) => key.name)).toEqual(['carol', 'dave']);
  });

  it.each([
    ['a key that is too short', 'alice:short'],
    ['a pair without a name', ':alice-key-0123456789abcdef'],
    ['the same name twice', 'a:key-0123456789abcdef0,a:key-0123456789abcdef1'],
    ['a file that does not exist', '/no/such/keys.txt'],
  ])('refuses %s', (_case, value) => {
    expect(() => parseApiKeys(value)).toThrow();
  });
});
