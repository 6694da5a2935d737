import type { Redis } from 'ioredis';

/*
 * Every guarded transition is one Lua script, so two workers holding the same redelivered job cannot both
 * move it: a finished job is never touched again, and a deleted job (no key) is never recreated.
 * Common arguments: KEYS[1] the job's hash, KEYS[2] the sorted set of unfinished jobs by time of their last
 * change (what the sweep for lost jobs reads); ARGV[1] the TTL in seconds, ARGV[2] the events channel,
 * ARGV[3] the job id, ARGV[4] now in milliseconds. Each state change is published as "<id> <status>".
 */
const LUA_IS_OPEN = `
local status = redis.call('HGET', KEYS[1], 'status')
if (not status) or status == 'completed' or status == 'failed' then return false end
`;

const SCRIPTS = {
  /** ARGV[5…] the record's fields and values. Answers 0, changing nothing, when the job exists already. */
  ocrCreate: `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
return 1`,
  /** ARGV[5] startedAt. Answers the record, or nil when the job is gone or finished. */
  ocrMarkProcessing: `${LUA_IS_OPEN}
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'status', 'processing', 'startedAt', ARGV[5], 'progress', '0')
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' processing')
return redis.call('HGETALL', KEYS[1])`,
  /** ARGV[5] the fraction done. */
  ocrProgress: `
if redis.call('HGET', KEYS[1], 'status') ~= 'processing' then return 0 end
redis.call('HSET', KEYS[1], 'progress', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
return 1`,
  /** ARGV[5] the error as JSON. */
  ocrRequeue: `${LUA_IS_OPEN}
redis.call('HDEL', KEYS[1], 'progress')
redis.call('HSET', KEYS[1], 'status', 'queued', 'error', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' queued')
return 1`,
  /**
   * ARGV[5] the final status, ARGV[6] finishedAt, ARGV[7] the field to set (result or error),
   * ARGV[8] its JSON, ARGV[9] a field to remove (a completed job drops the error of an earlier attempt).
   * Answers the finished record, or nil when the job is gone or had finished before.
   */
  ocrFinish: `${LUA_IS_OPEN}
redis.call('HDEL', KEYS[1], 'progress', ARGV[9])
redis.call('HSET', KEYS[1], 'status', ARGV[5], 'finishedAt', ARGV[6], ARGV[7], ARGV[8])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' ' .. ARGV[5])
return redis.call('HGETALL', KEYS[1])`,
  /** ARGV[5] the callback delivery as JSON; a deleted job stays deleted. */
  ocrRecordCallback: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'callback', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1`,
  ocrDelete: `
redis.call('ZREM', KEYS[2], ARGV[3])
local removed = redis.call('DEL', KEYS[1])
if removed > 0 then redis.call('PUBLISH', ARGV[2], ARGV[3] .. ' deleted') end
return removed`,
} as const;

export type ScriptArgs = [key: string, unfinishedKey: string, ttl: number, channel: string, id: string, nowMs: number, ...rest: string[]];

export type StoreClient = Redis & {
  ocrCreate(...args: ScriptArgs): Promise<number>;
  ocrMarkProcessing(...args: ScriptArgs): Promise<string[] | null>;
  ocrProgress(...args: ScriptArgs): Promise<number>;
  ocrRequeue(...args: ScriptArgs): Promise<number | null>;
  ocrFinish(...args: ScriptArgs): Promise<string[] | null>;
  ocrRecordCallback(...args: ScriptArgs): Promise<number>;
  ocrDelete(...args: ScriptArgs): Promise<number>;
};

/** `client` with every script defined as a command of its own (sent by hash, loaded on first use). */
export function withScripts(client: Redis): StoreClient {
  for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: 2, lua });
  return client as StoreClient;
}
