import { createMemoryQueue } from '../../src/queue/memory.js';
import { createRabbitQueue, deleteTopology } from '../../src/queue/rabbitmq.js';
import { AMQP_URL, missingServers, uniqueName } from '../helpers/servers.js';
import { describeJobQueueContract, type QueueBackend } from './job-queue.contract.js';

const rabbitQueues: string[] = [];

const backends: QueueBackend[] = [
  { name: 'memory', create: async ({ maxAttempts, onDeadLetter }) => createMemoryQueue({ maxAttempts, onDeadLetter }) },
  {
    name: 'rabbitmq',
    skipReason: await missingServers('rabbitmq'),
    create: async ({ maxAttempts, onDeadLetter }) => {
      const name = uniqueName('queue');
      rabbitQueues.push(name);
      return createRabbitQueue({ url: AMQP_URL, name, maxAttempts, onDeadLetter, retryDelayMs: 100 });
    },
    cleanup: async () => {
      for (const name of rabbitQueues.splice(0)) await deleteTopology(AMQP_URL, name);
    },
  },
];

for (const backend of backends) describeJobQueueContract(backend);
