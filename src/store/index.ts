import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createMemoryStores } from './memory/index.js';
import { createRedisStores } from './redis/index.js';
import type { Stores } from './stores.js';

/** The stores of the backend that `STORE` names. */
export async function createStores(config: Config, logger?: Logger): Promise<Stores> {
  switch (config.store.kind) {
    case 'memory':
      return createMemoryStores({ resultTtlSeconds: config.store.resultTtlSeconds });
    case 'redis':
      return createRedisStores({
        ...config.redis,
        resultTtlSeconds: config.store.resultTtlSeconds,
        logger,
      });
  }
}
