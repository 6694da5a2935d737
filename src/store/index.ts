import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createMemoryStore } from './memory.js';
import { createRedisStore } from './redis/index.js';
import type { ResultStore } from './result-store.js';

/** The store that `STORE` names. */
export async function createResultStore(config: Config, logger?: Logger): Promise<ResultStore> {
  switch (config.store.kind) {
    case 'memory':
      return createMemoryStore({ resultTtlSeconds: config.store.resultTtlSeconds });
    case 'redis':
      return createRedisStore({
        url: config.redis.url,
        keyPrefix: config.redis.keyPrefix,
        resultTtlSeconds: config.store.resultTtlSeconds,
        logger,
      });
  }
}
