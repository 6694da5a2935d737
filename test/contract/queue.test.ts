import { createMemoryQueue } from '../../src/queue/memory.js';
import { describeJobQueueContract, type QueueBackend } from './job-queue.contract.js';

const backends: QueueBackend[] = [
  { name: 'memory', create: async ({ maxAttempts }) => createMemoryQueue({ maxAttempts }) },
];

for (const backend of backends) describeJobQueueContract(backend);
