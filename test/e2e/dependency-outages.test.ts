import { describe, expect, it } from 'vitest';
import { runChaos, type Outage } from '../helpers/chaos.js';
import { missingServers } from '../helpers/servers.js';

const missing = await missingServers('redis', 'rabbitmq');

/**
 * What an operator sees in production (a Redis failover, a broker restart for an upgrade): one API and one
 * worker running two jobs at once, uploads streamed faster than the worker reads them (so jobs wait in the
 * queue) and retried on 503 with the same Idempotency-Key, and a third of the way in, every connection of both
 * processes to one dependency cut for 6 s.
 */
const scenarios: Array<{ queue: 'rabbitmq' | 'bullmq'; dependency: Outage['dependency'] }> = [
  { queue: 'rabbitmq', dependency: 'redis' },
  { queue: 'bullmq', dependency: 'redis' },
  { queue: 'rabbitmq', dependency: 'rabbitmq' },
];

describe.skipIf(missing)('a dependency cut off for 6 s in the middle of a stream of uploads', () => {
  for (const { queue, dependency } of scenarios) {
    it(`on ${queue}, with ${dependency} cut: every accepted task completes, once`, { timeout: 240_000 }, async () => {
      const figures = await runChaos({
        queue,
        uploads: 100,
        workers: 1,
        workerConcurrency: 2,
        outages: [{ dependency, how: 'proxy', atUpload: 35, durationMs: 6_000 }],
        uploadConcurrency: 4,
        settleTimeoutMs: 150_000,
      });
      console.log(`${queue}, ${dependency} cut:`, JSON.stringify(figures));
      expect(figures.refusedWhileDown).toBeGreaterThan(0);
      expect(figures).toMatchObject({ accepted: 100, completed: 100, failed: 0, lost: 0, duplicated: 0, wrongText: 0 });
    });
  }
});
