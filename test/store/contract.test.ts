import { createMemoryStore } from '../../src/store/memory.js';
import { createRedisStore } from '../../src/store/redis/index.js';
import { deleteRedisKeys, missingServers, REDIS_URL, uniqueName } from '../helpers/servers.js';
import { describeResultStoreContract, type StoreBackend } from './result-store.contract.js';

const redisPrefixes: string[] = [];

const backends: StoreBackend[] = [
  { name: 'memory', create: async ({ resultTtlSeconds }) => createMemoryStore({ resultTtlSeconds }) },
  {
    name: 'redis',
    skipReason: await missingServers('redis'),
    create: async ({ resultTtlSeconds }) => {
      const keyPrefix = `${uniqueName('store')}:`;
      redisPrefixes.push(keyPrefix);
      return createRedisStore({ url: REDIS_URL, keyPrefix, resultTtlSeconds });
    },
    cleanup: async () => {
      for (const prefix of redisPrefixes.splice(0)) await deleteRedisKeys(prefix);
    },
  },
];

for (const backend of backends) describeResultStoreContract(backend);
