import type { Config } from '../config.js';
import { createMemoryStore } from './memory.js';
import type { ResultStore } from './result-store.js';

/** The store that `STORE` names. */
export async function createResultStore(config: Config): Promise<ResultStore> {
  switch (config.store.kind) {
    case 'memory':
      return createMemoryStore({ resultTtlSeconds: config.store.resultTtlSeconds });
    default:
      throw new Error(`STORE=${config.store.kind} is not available in this build.`);
  }
}
