import { createBullQueue } from '../../src/queue/bullmq/index.js';
import { createMemoryQueue } from '../../src/queue/memory.js';
import { createRabbitQueue, deleteTopology } from '../../src/queue/rabbitmq/index.js';
import { AMQP_URL, deleteRedisKeys, missingServers, REDIS_URL, uniqueName } from '../helpers/servers.js';
import { describeJobQueueContract, RETRY_BACKOFF, type QueueBackend } from './job-queue.contract.js';

const rabbitQueues: string[] = [];
const bullPrefixes: string[] = [];

const backends: QueueBackend[] = [
  { name: 'memory', create: async ({ maxAttempts }) => createMemoryQueue({ maxAttempts, retryBackoff: RETRY_BACKOFF }) },
  {
    name: 'rabbitmq',
    skipReason: await missingServers('rabbitmq'),
    create: async ({ maxAttempts }) => {
      const name = uniqueName('queue');
      rabbitQueues.push(name);
      return createRabbitQueue({ urls: [AMQP_URL], name, maxAttempts, retryBackoff: RETRY_BACKOFF });
    },
    cleanup: async () => {
      for (const name of rabbitQueues.splice(0)) await deleteTopology(AMQP_URL, name);
    },
  },
  {
    name: 'bullmq',
    skipReason: await missingServers('redis'),
    create: async ({ maxAttempts }) => {
      const keyPrefix = `${uniqueName('bull')}:`;
      bullPrefixes.push(keyPrefix);
      return createBullQueue({ url: REDIS_URL, name: 'jobs', keyPrefix, maxAttempts, retryBackoff: RETRY_BACKOFF });
    },
    cleanup: async () => {
      for (const prefix of bullPrefixes.splice(0)) await deleteRedisKeys(prefix);
    },
  },
];

for (const backend of backends) describeJobQueueContract(backend);
