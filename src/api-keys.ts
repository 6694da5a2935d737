import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';

export interface ApiKey {
  /** Who the key belongs to: jobs created with it are owned by this name. */
  name: string;
  digest: Buffer;
}

const digest = (key: string) => createHash('sha256').update(key).digest();

const PAIR = /^([A-Za-z0-9_.-]{1,64}):(\S{16,})$/;

/**
 * Reads `API_KEYS`: comma-separated `name:key` pairs, or the path of a file with one pair per line
 * (blank lines and `#` comments allowed). Keys are at least 16 characters. Throws with what is wrong.
 */
export function parseApiKeys(value: string | undefined): ApiKey[] {
  if (!value) return [];
  const isFile = !value.includes(':') || fs.existsSync(value);
  const entries = isFile
    ? fs
        .readFileSync(value, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'))
    : value.split(',').map((pair) => pair.trim());
  const keys = entries.map((entry, index) => {
    const match = PAIR.exec(entry);
    if (!match) throw new Error(`entry ${index + 1} is not "name:key" with a key of at least 16 characters`);
    return { name: match[1]!, digest: digest(match[2]!) };
  });
  const names = keys.map((key) => key.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated) throw new Error(`the name "${repeated}" appears twice`);
  return keys;
}

/**
 * Returns the name owning the presented key, or undefined. Every configured key is compared, each in
 * constant time over fixed-length digests, so the answer time says nothing about which key came close.
 */
export function identifyApiKey(keys: readonly ApiKey[], presented: string): string | undefined {
  const presentedDigest = digest(presented);
  let owner: string | undefined;
  for (const key of keys) {
    if (timingSafeEqual(key.digest, presentedDigest) && owner === undefined) owner = key.name;
  }
  return owner;
}
