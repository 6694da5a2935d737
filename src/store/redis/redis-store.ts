import type { Logger } from 'pino';
import { isAppError, type ErrorInfo } from '../../errors.js';
import { isTerminal, type JobRecord } from '../../job.js';
import { createRedisConnection } from '../../redis-connection.js';
import { withinTime } from '../../time-limit.js';
import type { IdempotencyClaim, ResultStore } from '../result-store.js';
import { createDocumentPages } from './document-pages.js';
import { fromFields, pairsToFields, toFields } from './field-codec.js';
import { withScripts, type ScriptArgs } from './scripts.js';
import { storeUnavailable } from './unavailable.js';
import { createWaiters } from './waiters.js';

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
  const pagesKey = (id: string) => `${keyPrefix}pages:${id}`;
  const idempotencyKeyOf = (key: string) => `${keyPrefix}idempotency:${key}`;
  // Newest on the left (LPUSH), so the oldest entries are read from the right end.
  const archiveOutboxKey = `${keyPrefix}archive-outbox`;

  // Fail at once while disconnected: a request must get a 503, not wait for a reconnection.
  const client = withScripts(
    createRedisConnection({ url, name: `${keyPrefix}store`, mode: 'fail-fast', connectTimeoutMs: commandTimeoutMs, commandTimeoutMs }),
  );

  let connectedBefore = false;
  let reportedDown = false;
  client.on('ready', () => {
    if (connectedBefore) {
      logger?.info('result store (Redis) reconnected');
      // A job may have finished while this instance could not hear about it.
      waiters.wakeAll();
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
    if (closed) throw storeUnavailable(new Error('the store is closed'));
    try {
      return await command();
    } catch (error) {
      throw isAppError(error) ? error : storeUnavailable(error);
    }
  };

  const get = (id: string) => call(async () => fromFields(await client.hgetall(keyOf(id))));
  const args = (id: string, ...rest: string[]): ScriptArgs => [keyOf(id), unfinishedKey, resultTtlSeconds, channel, id, Date.now(), ...rest];

  const waiters = createWaiters({
    channel,
    connect: () =>
      createRedisConnection({ url, name: `${keyPrefix}events`, mode: 'never-give-up', connectTimeoutMs: commandTimeoutMs, resubscribesItself: true }),
    get,
    subscribeTimeoutMs: commandTimeoutMs,
    logger,
  });

  let closed = false;
  let closing: Promise<void> | undefined;

  try {
    await withinTime(ready, connectTimeoutMs, () => storeUnavailable(new Error(`no answer from Redis within ${connectTimeoutMs} ms`)));
  } catch {
    logger?.warn({ redis: new URL(url).host }, 'result store (Redis) not reachable at start; answering 503 until it is');
  }
  // Subscribe now rather than on the first wait, so a burst of waits never queues behind a new connection.
  waiters.subscribe().catch((error: unknown) => logger?.debug({ err: error }, 'change notifications not subscribed yet'));

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
      await call(() => client.ocrRequeue(...args(id, JSON.stringify(error))));
    },

    async complete(id, result) {
      const finished = await call(() =>
        client.ocrFinish(...args(id, 'completed', new Date().toISOString(), 'result', JSON.stringify(result), 'error')),
      );
      return finished === 1;
    },

    async fail(id, error) {
      const finished = await call(() =>
        client.ocrFinish(...args(id, 'failed', new Date().toISOString(), 'error', JSON.stringify(error), 'progress')),
      );
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
      await call(() => client.del(pagesKey(id)));
      return (await call(() => client.ocrDelete(...args(id)))) > 0;
    },

    ...createDocumentPages(client, { jobKey: keyOf, pagesKey, unfinishedKey, resultTtlSeconds }, call),

    async waitFor(id, timeoutMs) {
      const current = await get(id);
      if (!current || isTerminal(current.status) || timeoutMs <= 0) return current;
      return waiters.wait(id, timeoutMs);
    },

    async recordCallback(id, delivery) {
      await call(() => client.ocrRecordCallback(...args(id, JSON.stringify(delivery))));
    },

    async claimIdempotencyKey(key, claim) {
      // One round trip: SET NX GET either makes this the first claim or answers the earlier one, atomically.
      const earlier = await call(() => client.set(idempotencyKeyOf(key), JSON.stringify(claim), 'EX', resultTtlSeconds, 'NX', 'GET'));
      return earlier ? (JSON.parse(earlier) as IdempotencyClaim) : undefined;
    },

    async releaseIdempotencyKey(key) {
      await call(() => client.del(idempotencyKeyOf(key)));
    },

    async confirmIdempotencyKey(key) {
      await call(() => client.ocrConfirmClaim(idempotencyKeyOf(key)));
    },

    async addToArchiveOutbox(id) {
      await call(() => client.lpush(archiveOutboxKey, id));
    },

    async listArchiveOutbox(limit) {
      const ids = await call(() => client.lrange(archiveOutboxKey, -limit, -1));
      return [...new Set(ids.reverse())];
    },

    async removeFromArchiveOutbox(ids) {
      if (ids.length === 0) return;
      const removals = client.multi();
      for (const id of ids) removals.lrem(archiveOutboxKey, 0, id);
      await call(() => removals.exec());
    },

    async ping() {
      await call(() => client.ping());
    },

    close() {
      closing ??= (async () => {
        closed = true;
        waiters.close(storeUnavailable(new Error('the store is closing')));
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
