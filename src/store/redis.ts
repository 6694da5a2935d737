import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppError, isAppError, type ErrorInfo } from '../errors.js';
import { isTerminal, type JobRecord, type JobStatus } from '../job.js';
import { withinTime } from '../time-limit.js';
import type { IdempotencyClaim, ResultStore } from './result-store.js';

export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key and channel the store uses, such as `ocr:`. */
  keyPrefix: string;
  /** How long a job is kept after its last change. */
  resultTtlSeconds: number;
  logger?: Logger;
  /** A command without an answer after this long fails with STORE_UNAVAILABLE (a half-open connection). */
  commandTimeoutMs?: number;
  /** How long start-up waits for the first connection before going on without it. */
  connectTimeoutMs?: number;
}

/*
 * One hash per job at `<prefix>job:<id>`. The text fields below are stored as they are and the counters as
 * numbers; every other field of the record (options, result, error, and whatever later versions add) is
 * stored as JSON, so fields this file does not know about pass through untouched.
 */
const TEXT_FIELDS = new Set(['id', 'status', 'mediaType', 'createdAt', 'startedAt', 'finishedAt']);
const NUMBER_FIELDS = new Set(['attempts', 'progress']);

/** Buffers (a PDF rendition, say) survive the JSON round trip as base64 instead of an array of numbers. */
function encodeJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, encoded: unknown) {
    const original = this[key];
    return original instanceof Uint8Array ? { $base64: Buffer.from(original).toString('base64') } : encoded;
  });
}

function decodeJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const encoded = (value as { $base64?: unknown }).$base64;
      if (keys.length === 1 && typeof encoded === 'string') return Buffer.from(encoded, 'base64');
    }
    return value;
  });
}

function toFields(record: object): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    fields[name] = TEXT_FIELDS.has(name) || NUMBER_FIELDS.has(name) ? String(value) : encodeJson(value);
  }
  return fields;
}

function fromFields(fields: Record<string, string>): JobRecord | undefined {
  if (!fields.status) return undefined;
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    record[name] = TEXT_FIELDS.has(name) ? value : NUMBER_FIELDS.has(name) ? Number(value) : decodeJson(value);
  }
  return record as unknown as JobRecord;
}

/** HGETALL inside Lua answers a flat [field, value, ...] list. */
function pairsToFields(pairs: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) fields[pairs[i]!] = pairs[i + 1]!;
  return fields;
}

/*
 * Every guarded transition is one Lua script, so two workers holding the same redelivered job cannot both
 * move it: a finished job is never touched again, and a deleted job (no key) is never recreated.
 * Common arguments: KEYS[1] the job's hash, KEYS[2] the sorted set of unfinished jobs by time of their last
 * change (what the sweep for lost jobs reads); ARGV[1] the TTL in seconds, ARGV[2] the events channel,
 * ARGV[3] the job id, ARGV[4] now in milliseconds. Each state change is published as "<id> <status>".
 */
const LUA_IS_OPEN = `
local status = redis.call('HGET', KEYS[1], 'status')
if (not status) or status == 'completed' or status == 'failed' then return false end
`;

const SCRIPTS = {
  /** ARGV[5…] the record's fields and values. Answers 0, changing nothing, when the job exists already. */
  ocrCreate: `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
return 1`,
  /** ARGV[5] startedAt. Answers the record, or nil when the job is gone or finished. */
  ocrMarkProcessing: `${LUA_IS_OPEN}
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'status', 'processing', 'startedAt', ARGV[5], 'progress', '0')
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' processing')
return redis.call('HGETALL', KEYS[1])`,
  /** ARGV[5] the fraction done. */
  ocrProgress: `
if redis.call('HGET', KEYS[1], 'status') ~= 'processing' then return 0 end
redis.call('HSET', KEYS[1], 'progress', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
return 1`,
  /** ARGV[5] the error as JSON. */
  ocrRequeue: `${LUA_IS_OPEN}
redis.call('HDEL', KEYS[1], 'progress')
redis.call('HSET', KEYS[1], 'status', 'queued', 'error', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' queued')
return 1`,
  /**
   * ARGV[5] the final status, ARGV[6] finishedAt, ARGV[7] the field to set (result or error),
   * ARGV[8] its JSON, ARGV[9] a field to remove (a completed job drops the error of an earlier attempt).
   */
  ocrFinish: `${LUA_IS_OPEN}
redis.call('HDEL', KEYS[1], 'progress', ARGV[9])
redis.call('HSET', KEYS[1], 'status', ARGV[5], 'finishedAt', ARGV[6], ARGV[7], ARGV[8])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' ' .. ARGV[5])
return 1`,
  /** ARGV[5] the callback delivery as JSON; a deleted job stays deleted. */
  ocrRecordCallback: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'callback', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1`,
  ocrDelete: `
redis.call('ZREM', KEYS[2], ARGV[3])
local removed = redis.call('DEL', KEYS[1])
if removed > 0 then redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' deleted') end
return removed`,
} as const;

type ScriptArgs = [key: string, unfinishedKey: string, ttl: number, channel: string, id: string, nowMs: number, ...rest: string[]];

type StoreClient = Redis & {
  ocrCreate(...args: ScriptArgs): Promise<number>;
  ocrMarkProcessing(...args: ScriptArgs): Promise<string[] | null>;
  ocrProgress(...args: ScriptArgs): Promise<number>;
  ocrRequeue(...args: ScriptArgs): Promise<number | null>;
  ocrFinish(...args: ScriptArgs): Promise<number | null>;
  ocrRecordCallback(...args: ScriptArgs): Promise<number>;
  ocrDelete(...args: ScriptArgs): Promise<number>;
};

const unavailable = (cause?: unknown) =>
  new AppError('STORE_UNAVAILABLE', 'The result store (Redis) cannot be reached; try again shortly.', { cause });

/** Within `ms`, or STORE_UNAVAILABLE. */
const settleWithin = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  withinTime(promise, ms, () => unavailable(new Error(`no answer from Redis within ${ms} ms`)));

interface Waiter {
  settle(record: JobRecord | undefined): void;
  fail(error: unknown): void;
}

/**
 * The Redis store for the distributed stack: any API instance answers for any job, and a waiting
 * `GET /result/:id?wait=S` wakes as soon as a worker anywhere finishes the job (pub/sub on one channel).
 * When Redis is down every call fails at once with STORE_UNAVAILABLE instead of queueing or hanging.
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<ResultStore> {
  const { url, keyPrefix, resultTtlSeconds, logger, commandTimeoutMs = 2_000, connectTimeoutMs = 5_000 } = options;
  const channel = `${keyPrefix}events`;
  const keyOf = (id: string) => `${keyPrefix}job:${id}`;
  const unfinishedKey = `${keyPrefix}unfinished`;

  const client = new Redis(url, {
    // Fail at once while disconnected: a request must get a 503, not wait for a reconnection.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 2_000),
    connectionName: `${keyPrefix}store`,
  }) as StoreClient;
  for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: 2, lua });

  let connectedBefore = false;
  let reportedDown = false;
  client.on('ready', () => {
    if (connectedBefore) {
      logger?.info('result store (Redis) reconnected');
      // A job may have finished while this instance could not hear about it.
      for (const id of waiters.keys()) wake(id);
    }
    connectedBefore = true;
    reportedDown = false;
  });
  client.on('error', (error: Error) => {
    if (!reportedDown) logger?.warn({ err: error }, 'result store (Redis) unavailable; reconnecting');
    reportedDown = true;
  });

  const ready = new Promise<void>((resolve) => client.once('ready', () => resolve()));

  /** Every command goes through here: connection problems become STORE_UNAVAILABLE. */
  const call = async <T>(command: () => Promise<T>): Promise<T> => {
    if (closed) throw unavailable(new Error('the store is closed'));
    try {
      return await command();
    } catch (error) {
      throw isAppError(error) ? error : unavailable(error);
    }
  };

  const get = (id: string) => call(async () => fromFields(await client.hgetall(keyOf(id))));
  const args = (id: string, ...rest: string[]): ScriptArgs => [keyOf(id), unfinishedKey, resultTtlSeconds, channel, id, Date.now(), ...rest];

  // Waiters for `waitFor`, by job id, woken by messages on one subscriber connection.
  const waiters = new Map<string, Set<Waiter>>();
  let subscriber: Redis | undefined;
  let subscribed: Promise<unknown> | undefined;

  const wake = (id: string): void => {
    const waiting = waiters.get(id);
    if (!waiting) return;
    get(id).then(
      (record) => {
        if (record && !isTerminal(record.status)) return;
        for (const waiter of waiting) waiter.settle(record);
      },
      (error: unknown) => logger?.debug({ err: error, task_id: id }, 'could not read a job after its change'),
    );
  };

  const subscribe = (): Promise<unknown> => {
    if (!subscriber) {
      // Subscribing may wait for a connection; autoResubscribe renews it after each reconnection.
      subscriber = client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined, connectionName: `${keyPrefix}events` });
      subscriber.on('error', () => undefined);
      subscriber.on('message', (_channel: string, message: string) => {
        const space = message.lastIndexOf(' ');
        const status = message.slice(space + 1) as JobStatus | 'deleted';
        if (status === 'deleted' || isTerminal(status)) wake(message.slice(0, space));
      });
      // Messages published while the subscriber was disconnected are lost: look again at every job waited on
      // (the main connection does the same when it is the one that comes back last).
      let first = true;
      subscriber.on('ready', () => {
        if (!first) for (const id of waiters.keys()) wake(id);
        first = false;
      });
    }
    subscribed ??= subscriber.subscribe(channel).then(
      // Jobs may have ended before the subscription took: look once at everything waited on.
      () => {
        for (const id of waiters.keys()) wake(id);
      },
      (error: unknown) => {
        subscribed = undefined;
        throw error;
      },
    );
    return settleWithin(subscribed, commandTimeoutMs);
  };

  let closed = false;
  let closing: Promise<void> | undefined;

  try {
    await settleWithin(ready, connectTimeoutMs);
  } catch {
    logger?.warn({ redis: new URL(url).host }, 'result store (Redis) not reachable at start; answering 503 until it is');
  }
  // Subscribe now rather than on the first wait, so a burst of waits never queues behind a new connection.
  subscribe().catch((error: unknown) => logger?.debug({ err: error }, 'change notifications not subscribed yet'));

  return {
    async create(job) {
      const record: JobRecord = { ...job, status: 'queued', attempts: 0 };
      const created = await call(() => client.ocrCreate(...args(job.id, ...Object.entries(toFields(record)).flat())));
      return created === 1 ? record : ((await get(job.id)) ?? record);
    },

    async markProcessing(id) {
      const pairs = await call(() => client.ocrMarkProcessing(...args(id, new Date().toISOString())));
      return pairs ? fromFields(pairsToFields(pairs)) : undefined;
    },

    async progress(id, fraction) {
      await call(() => client.ocrProgress(...args(id, String(fraction))));
    },

    async requeue(id, error: ErrorInfo) {
      await call(() => client.ocrRequeue(...args(id, encodeJson(error))));
    },

    async complete(id, result) {
      const finished = await call(() => client.ocrFinish(...args(id, 'completed', new Date().toISOString(), 'result', encodeJson(result), 'error')));
      return finished === 1;
    },

    async fail(id, error) {
      const finished = await call(() => client.ocrFinish(...args(id, 'failed', new Date().toISOString(), 'error', encodeJson(error), 'progress')));
      return finished === 1;
    },

    get,

    async listIdle(idleForMs, limit) {
      const ids = await call(() => client.zrangebyscore(unfinishedKey, '-inf', Date.now() - idleForMs, 'LIMIT', 0, limit));
      const records = await Promise.all(ids.map((id) => get(id)));
      // A job whose hash expired before it finished leaves its entry behind: nothing is left to sweep.
      const expired = ids.filter((_id, index) => records[index] === undefined);
      if (expired.length > 0) await call(() => client.zrem(unfinishedKey, ...expired));
      return records.filter((record): record is JobRecord => record !== undefined && !isTerminal(record.status));
    },

    async delete(id) {
      return (await call(() => client.ocrDelete(...args(id)))) > 0;
    },

    async waitFor(id, timeoutMs) {
      const current = await get(id);
      if (!current || isTerminal(current.status) || timeoutMs <= 0) return current;
      // Without notifications (a slow or new subscriber connection) the wait still ends, at its timeout, with
      // the job's state then: only the early wake-up is lost, so this is no reason to answer 503.
      await subscribe().catch((error: unknown) => logger?.debug({ err: error, task_id: id }, 'waiting without change notifications'));
      return new Promise<JobRecord | undefined>((resolve, reject) => {
        let waiting = waiters.get(id);
        if (!waiting) waiters.set(id, (waiting = new Set()));
        const done = () => {
          clearTimeout(timer);
          waiting.delete(waiter);
          if (waiting.size === 0 && waiters.get(id) === waiting) waiters.delete(id);
        };
        const waiter: Waiter = {
          settle: (record) => {
            done();
            resolve(record);
          },
          fail: (error) => {
            done();
            reject(error);
          },
        };
        const timer = setTimeout(() => get(id).then(waiter.settle, waiter.fail), timeoutMs);
        waiting.add(waiter);
        // The job may have finished between the first read and the subscription: look once more.
        wake(id);
      });
    },

    async recordCallback(id, delivery) {
      await call(() => client.ocrRecordCallback(...args(id, encodeJson(delivery))));
    },

    async claimIdempotencyKey(key, claim) {
      const stored = `${keyPrefix}idempotency:${key}`;
      // SET NX either makes this the first claim or leaves the earlier one to read; the earlier one may
      // expire in between, so try twice.
      for (let tries = 0; tries < 2; tries += 1) {
        const set = await call(() => client.set(stored, JSON.stringify(claim), 'EX', resultTtlSeconds, 'NX'));
        if (set === 'OK') return undefined;
        const existing = await call(() => client.get(stored));
        if (existing) return JSON.parse(existing) as IdempotencyClaim;
      }
      throw unavailable(new Error('an idempotency key kept changing'));
    },

    async releaseIdempotencyKey(key) {
      await call(() => client.del(`${keyPrefix}idempotency:${key}`));
    },

    async confirmIdempotencyKey(key) {
      const stored = `${keyPrefix}idempotency:${key}`;
      const claim = await call(() => client.get(stored));
      if (!claim) return;
      await call(() => client.set(stored, JSON.stringify({ ...(JSON.parse(claim) as IdempotencyClaim), queued: true }), 'KEEPTTL', 'XX'));
    },

    async ping() {
      await call(() => client.ping());
    },

    close() {
      closing ??= (async () => {
        closed = true;
        for (const waiting of waiters.values()) for (const waiter of waiting) waiter.fail(unavailable(new Error('the store is closing')));
        waiters.clear();
        // The subscriber holds nothing to flush, and its offline queue would keep a QUIT waiting for ever
        // while Redis is unreachable: drop it.
        subscriber?.disconnect();
        try {
          await client.quit();
        } catch {
          client.disconnect();
        }
      })();
      return closing;
    },
  };
}
