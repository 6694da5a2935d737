import { describe, expect, it } from 'vitest';
import { runThroughFailover } from '../helpers/failover-run.js';
import { startRedisSentinel } from '../helpers/redis-sentinel.js';
import { missingServers } from '../helpers/servers.js';

// The shared Redis is only where the stack's clean-up looks; every process of the stack uses the sentinels' primary.
describe.skipIf(await missingServers('redis'))('the service on Redis behind Sentinel', () => {
  it('completes every upload it answered 202, once, when the primary is killed midway', { timeout: 180_000 }, async () => {
    const run = await runThroughFailover({
      start: () => startRedisSentinel(),
      // BullMQ: Redis is the queue too, so the jobs themselves live through the failover.
      stack: (redis) => ({
        queue: 'bullmq',
        redisUrl: `redis://127.0.0.1:${redis.primaryPort}`,
        env: { REDIS_SENTINELS: redis.sentinels, REDIS_SENTINEL_NAME: redis.name, RATE_LIMIT_MAX: '1000000' },
      }),
      fail: async (redis) => ({ ...(await redis.killPrimary()) }),
      uploads: 300,
      atUpload: 150,
    });
    console.log('Redis primary killed at upload 150:', JSON.stringify({ ...run, unfinished: run.unfinished.length }));
    expect(run.failure.promotedAfterMs).toBeGreaterThan(0);
    expect(run).toMatchObject({ accepted: 300, completed: 300, failed: 0, unfinished: [], completedTwice: 0 });
  });
});
