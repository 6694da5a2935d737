import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createMemoryStores } from './memory/index.js';
import type { Stores } from './stores.js';

/** The stores of the backend that `STORE` names; the Redis client loads only when it is the one named. */
export async function createStores(config: Config, logger?: Logger): Promise<Stores> {
  switch (config.store.kind) {
    case 'memory':
      return createMemoryStores({ resultTtlSeconds: config.store.resultTtlSeconds });
    case 'redis':
      return (await import('./redis/index.js')).createRedisStores({
        ...config.redis,
        resultTtlSeconds: config.store.resultTtlSeconds,
        logger,
      });
  }
}
