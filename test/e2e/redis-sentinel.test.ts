import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { startRedisSentinel } from '../helpers/redis-sentinel.js';
import { missingServers } from '../helpers/servers.js';
import { logRecords } from '../helpers/service.js';
import { startStack } from '../helpers/stack.js';
import { completedTwice, streamUploads } from '../helpers/upload-stream.js';

/** Seconds since `from`, to one decimal. */
const since = (from: number) => Math.round((performance.now() - from) / 100) / 10;

// The shared Redis is only where the stack's clean-up looks; every process of the stack uses the sentinels' primary.
describe.skipIf(await missingServers('redis'))('the service on Redis behind Sentinel', () => {
  it('completes every upload it answered 202, once, when the primary is killed midway', { timeout: 180_000 }, async () => {
    const started = performance.now();
    const redis = await startRedisSentinel();
    const phases: Record<string, number> = { redis: since(started) };
    try {
      // BullMQ: Redis is the queue too, so the jobs themselves live through the failover.
      const stack = await startStack({
        queue: 'bullmq',
        workers: 2,
        redisUrl: `redis://127.0.0.1:${redis.primaryPort}`,
        env: { REDIS_SENTINELS: redis.sentinels, REDIS_SENTINEL_NAME: redis.name, RATE_LIMIT_MAX: '1000000' },
      });
      phases.stack = since(started);
      try {
        let promotedAfterMs = 0;
        const figures = await streamUploads({
          apiUrl: stack.api.url,
          uploads: 300,
          concurrency: 6,
          settleTimeoutMs: 60_000,
          atUpload: { index: 150, run: async () => void ({ promotedAfterMs } = await redis.killPrimary()) },
        });
        phases.uploads = since(started);
        console.log(
          'Redis primary killed at upload 150:',
          JSON.stringify({ ...figures, unfinished: figures.unfinished.length, promotedAfterMs, phases }),
        );
        if (figures.unfinished.length > 0) {
          for (const process of [stack.api, ...stack.workers]) {
            const problems = logRecords(process.logs()).filter((record) => Number(record.level) >= 40);
            console.log(
              problems
                .slice(-15)
                .map((record) => JSON.stringify(record).slice(0, 400))
                .join('\n'),
            );
          }
        }
        expect(promotedAfterMs).toBeGreaterThan(0);
        expect(figures).toMatchObject({ accepted: 300, completed: 300, failed: 0, unfinished: [] });
        expect(completedTwice(stack.workers)).toBe(0);
      } finally {
        await stack.stop();
      }
    } finally {
      await redis.stop();
      console.log(`Redis Sentinel test: ${since(started)} s in all`);
    }
  });
});
