import type { Redis } from 'ioredis';
import type { PageResult } from '../../job.js';
import type { PageAccounting } from '../page-accounting.js';
import type { StoreContext } from './context.js';

/*
 * A document's page results live in a hash of their own, `<prefix>pages:<id>`, one field per page, beside the job's
 * hash, so reading a job (every GET /result) never carries its pages. KEYS[1] the job's hash, KEYS[2] the sorted set
 * of unfinished jobs, KEYS[3] the pages hash; ARGV[1] the TTL in seconds, ARGV[2] the job id, ARGV[3] now in ms.
 */
const OPEN = `
local status = redis.call('HGET', KEYS[1], 'status')
if (not status) or status == 'completed' or status == 'failed' then return false end
`;

const SCRIPTS = {
  /** ARGV[4] the page count; the first count stays. */
  ocrBeginDocument: `${OPEN}
redis.call('HSETNX', KEYS[1], 'pagesTotal', ARGV[4])
return 1`,
  /** ARGV[4] the page number, ARGV[5] its result as JSON. Answers {done, total}, or nil when the job is gone or finished. */
  ocrRecordPage: `${OPEN}
local total = tonumber(redis.call('HGET', KEYS[1], 'pagesTotal'))
if not total then return false end
redis.call('HSETNX', KEYS[3], ARGV[4], ARGV[5])
local done = redis.call('HLEN', KEYS[3])
redis.call('HSET', KEYS[1], 'progress', string.format('%.2f', done / total))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
return {done, total}`,
} as const;

type PageScriptArgs = [jobKey: string, unfinishedKey: string, pagesKey: string, ttl: number, id: string, nowMs: number, ...rest: string[]];

type PageClient = Redis & {
  ocrBeginDocument(...args: PageScriptArgs): Promise<number | null>;
  ocrRecordPage(...args: PageScriptArgs): Promise<[number, number] | null>;
};

/** Document pages on Redis, beside the job's hash; the same guards as the job's own transitions. */
export function createRedisPageAccounting({ client: redis, keys, resultTtlSeconds, call }: StoreContext): PageAccounting {
  for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 3, lua });
  const client = redis as PageClient;
  const args = (id: string, ...rest: string[]): PageScriptArgs => [
    keys.job(id),
    keys.unfinished,
    keys.pages(id),
    resultTtlSeconds,
    id,
    Date.now(),
    ...rest,
  ];
  return {
    async begin(id, pageCount) {
      await call(() => client.ocrBeginDocument(...args(id, String(pageCount))));
    },
    async recordPage(id, page: PageResult) {
      const counts = await call(() => client.ocrRecordPage(...args(id, String(page.page), JSON.stringify(page))));
      return counts ? { done: counts[0], total: counts[1] } : undefined;
    },
    async listPages(id) {
      const values = await call(() => client.hvals(keys.pages(id)));
      return values.map((value) => JSON.parse(value) as PageResult);
    },
    async discardPages(id) {
      await call(() => client.del(keys.pages(id)));
    },
  };
}
