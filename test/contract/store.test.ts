import { createMemoryStore } from '../../src/store/memory.js';
import { describeResultStoreContract, type StoreBackend } from './result-store.contract.js';

const backends: StoreBackend[] = [
  { name: 'memory', create: async ({ resultTtlSeconds }) => createMemoryStore({ resultTtlSeconds }) },
];

for (const backend of backends) describeResultStoreContract(backend);
