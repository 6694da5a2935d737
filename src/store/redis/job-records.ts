import type { ErrorInfo } from '../../errors.js';
import { isTerminal, type JobRecord } from '../../job.js';
import { awaitReplicas } from '../../redis-connection.js';
import type { JobRecords } from '../job-records.js';
import type { StoreContext } from './context.js';
import { fromFields, pairsToFields, toFields } from './field-codec.js';
import { withScripts, type ScriptArgs } from './job-scripts.js';
import type { createWaiters } from './waiters.js';

/** Job records on Redis: one hash per job, every transition one guarded script, waits woken by pub/sub. */
export function createRedisJobRecords(
  context: StoreContext,
  { get, waiters }: { get: (id: string) => Promise<JobRecord | undefined>; waiters: Pick<ReturnType<typeof createWaiters>, 'wait'> },
): JobRecords {
  const { keys, resultTtlSeconds, call } = context;
  const client = withScripts(context.client);
  const args = (id: string, ...rest: string[]): ScriptArgs => [
    keys.job(id),
    keys.unfinished,
    resultTtlSeconds,
    keys.channel,
    id,
    Date.now(),
    ...rest,
  ];
  const record = (pairs: string[] | null) => (pairs ? fromFields(pairsToFields(pairs)) : undefined);

  return {
    async create(job) {
      const created: JobRecord = { ...job, status: 'queued', attempts: 0 };
      const isNew = await call(() => client.ocrCreate(...args(job.id, ...Object.entries(toFields(created)).flat())));
      // The record, and the idempotency key claimed before it on this connection, must outlive a failover of the primary.
      await call(() => awaitReplicas(context.client, context.replicaAcks));
      return isNew === 1 ? created : ((await get(job.id)) ?? created);
    },

    async markProcessing(id) {
      return record(await call(() => client.ocrMarkProcessing(...args(id, new Date().toISOString()))));
    },

    async progress(id, fraction) {
      await call(() => client.ocrProgress(...args(id, String(fraction))));
    },

    async requeue(id, error: ErrorInfo) {
      await call(() => client.ocrRequeue(...args(id, JSON.stringify(error))));
    },

    async complete(id, result) {
      return record(
        await call(() => client.ocrFinish(...args(id, 'completed', new Date().toISOString(), 'result', JSON.stringify(result), 'error'))),
      );
    },

    async fail(id, error) {
      return record(await call(() => client.ocrFinish(...args(id, 'failed', new Date().toISOString(), 'error', JSON.stringify(error), 'progress'))));
    },

    get,

    async delete(id) {
      await call(() => client.del(keys.pages(id)));
      return (await call(() => client.ocrDelete(...args(id)))) > 0;
    },

    async waitFor(current, timeoutMs) {
      if (isTerminal(current.status) || timeoutMs <= 0) return current;
      // Fail at once while disconnected, as every other call does, rather than at the end of the wait.
      await call(async () => {
        if (context.client.status !== 'ready') throw new Error('Redis is not connected');
      });
      return waiters.wait(current.id, timeoutMs);
    },

    async recordCallback(id, delivery) {
      await call(() => client.ocrRecordCallback(...args(id, JSON.stringify(delivery))));
    },
  };
}
