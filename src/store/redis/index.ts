import type { Logger } from 'pino';
import { isAppError } from '../../errors.js';
import { createRedisConnection, type RedisEndpoint } from '../../redis-connection.js';
import { withinTime } from '../../time-limit.js';
import type { Stores } from '../stores.js';
import { createRedisArchiveOutbox } from './archive-outbox.js';
import { storeKeys, type StoreContext } from './context.js';
import { createRedisPageAccounting } from './page-accounting.js';
import { fromFields } from './field-codec.js';
import { createRedisIdempotencyKeys } from './idempotency-keys.js';
import { createRedisIdleJobs } from './idle-jobs.js';
import { createRedisJobRecords } from './job-records.js';
import { storeUnavailable } from './unavailable.js';
import { createWaiters } from './waiters.js';

export interface RedisStoresOptions extends RedisEndpoint {
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
 * The Redis stores for the distributed stack, on one connection: any API instance answers for any job, and a
 * waiting `GET /result/:id?wait=S` wakes as soon as a worker anywhere finishes the job (pub/sub on one channel).
 * When Redis is down every call fails at once with STORE_UNAVAILABLE instead of queueing or hanging.
 */
export async function createRedisStores(options: RedisStoresOptions): Promise<Stores> {
  const { url, sentinel, replicaAcks, keyPrefix, resultTtlSeconds, logger, commandTimeoutMs = 2_000, connectTimeoutMs = 5_000 } = options;
  const keys = storeKeys(keyPrefix);

  // Fail at once while disconnected: a request must get a 503, not wait for a reconnection.
  const client = createRedisConnection({
    url,
    sentinel,
    name: `${keyPrefix}store`,
    mode: 'fail-fast',
    connectTimeoutMs: commandTimeoutMs,
    commandTimeoutMs,
  });

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

  const get = (id: string) => call(async () => fromFields(await client.hgetall(keys.job(id))));

  const waiters = createWaiters({
    channel: keys.channel,
    connect: () =>
      createRedisConnection({
        url,
        sentinel,
        name: `${keyPrefix}events`,
        mode: 'never-give-up',
        connectTimeoutMs: commandTimeoutMs,
        resubscribesItself: true,
      }),
    get,
    subscribeTimeoutMs: commandTimeoutMs,
    logger,
  });

  let closed = false;
  let closing: Promise<void> | undefined;

  try {
    await withinTime(ready, connectTimeoutMs, () => storeUnavailable(new Error(`no answer from Redis within ${connectTimeoutMs} ms`)));
  } catch {
    logger?.warn({ redis: sentinel ? sentinel.name : new URL(url).host }, 'result store (Redis) not reachable at start; answering 503 until it is');
  }
  // Subscribe now rather than on the first wait, so a burst of waits never queues behind a new connection.
  waiters.subscribe().catch((error: unknown) => logger?.debug({ err: error }, 'change notifications not subscribed yet'));

  const context: StoreContext = { client, keys, resultTtlSeconds, call, ...(replicaAcks && { replicaAcks }) };
  return {
    jobs: createRedisJobRecords(context, { get, waiters }),
    idempotency: createRedisIdempotencyKeys(context),
    outbox: createRedisArchiveOutbox(context),
    pages: createRedisPageAccounting(context),
    idle: createRedisIdleJobs(context, get),

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
