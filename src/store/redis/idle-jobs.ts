import { isTerminal, type JobRecord } from '../../job.js';
import type { IdleJobs } from '../idle-jobs.js';
import type { StoreContext } from './context.js';

/** The sweep's view on Redis: the sorted set of unfinished jobs by the time of their last change. */
export function createRedisIdleJobs({ client, keys, call }: StoreContext, get: (id: string) => Promise<JobRecord | undefined>): IdleJobs {
  return {
    async listIdle(idleForMs, limit) {
      const ids = await call(() => client.zrangebyscore(keys.unfinished, '-inf', Date.now() - idleForMs, 'LIMIT', 0, limit));
      const records = await Promise.all(ids.map((id) => get(id)));
      // A job whose hash expired before it finished leaves its entry behind: nothing is left to sweep.
      const expired = ids.filter((_id, index) => records[index] === undefined);
      if (expired.length > 0) await call(() => client.zrem(keys.unfinished, ...expired));
      return records.filter((record): record is JobRecord => record !== undefined && !isTerminal(record.status));
    },
  };
}
