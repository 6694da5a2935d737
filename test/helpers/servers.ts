import { portOpen } from './ports.js';

/** Where the tests find the real servers: the local defaults, or TEST_REDIS_URL / TEST_AMQP_URL. */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/** A PostgreSQL user that may create databases; each test file makes its own and drops it. */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const HINT = 'start them with `bash .ci/services-up` (or redis-server, rabbitmq-server and PostgreSQL on their default ports)';

export type ServerName = 'redis' | 'rabbitmq' | 'postgres';

const URLS: Record<ServerName, string> = { redis: REDIS_URL, rabbitmq: AMQP_URL, postgres: POSTGRES_URL };
const DEFAULT_PORTS: Record<ServerName, number> = { redis: 6379, rabbitmq: 5672, postgres: 5432 };

const checked = new Map<string, Promise<string | undefined>>();

/**
 * Undefined when every named server answers on its port; otherwise the reason to skip the suites that need
 * them, printed once as a one-line hint. Under CI=true a missing server is an error, so the run fails
 * instead of silently testing less.
 */
export function missingServers(...names: ServerName[]): Promise<string | undefined> {
  const key = names.join('+');
  let result = checked.get(key);
  if (!result) {
    result = (async () => {
      const missing: string[] = [];
      for (const name of names) {
        const url = new URL(URLS[name]);
        if (!(await portOpen(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port || DEFAULT_PORTS[name])))) missing.push(`${name} (${url.host})`);
      }
      if (missing.length === 0) return undefined;
      const reason = `${missing.join(' and ')} not reachable: ${HINT}`;
      if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
      console.warn(`skipping tests that need ${reason}`);
      return reason;
    })();
    checked.set(key, result);
  }
  return result;
}

/** A name no other test run uses, for queue names and key prefixes. */
export function uniqueName(label: string): string {
  return `test-${label}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Runs `each` on every batch of the keys that match the pattern (Redis's SCAN MATCH, `*` any run of characters). */
async function scanRedisKeys(pattern: string, each: (keys: string[], redis: import('ioredis').Redis) => Promise<unknown>): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await each(keys, redis);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Escapes a literal for a SCAN MATCH pattern. */
export const redisPatternLiteral = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/** Deletes every Redis key under the prefix (what a store or BullMQ queue of one test left behind). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  await scanRedisKeys(`${redisPatternLiteral(prefix)}*`, (keys, redis) => redis.del(...keys));
}

/** How many Redis keys match the SCAN MATCH pattern. */
export async function countRedisKeys(pattern: string): Promise<number> {
  let count = 0;
  await scanRedisKeys(pattern, async (keys) => void (count += keys.length));
  return count;
}

export interface TestDatabase {
  /** The new database's URL. */
  url: string;
  /** Drops the database, closing what is still connected to it. */
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database named for this test, on the server of POSTGRES_URL. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const { default: pg } = await import('pg');
  const name = uniqueName(label).replace(/-/g, '_');
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
