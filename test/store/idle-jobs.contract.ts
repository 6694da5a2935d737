import { describe, expect, it } from 'vitest';
import { newJob, result, sleep, storesOf, type StoreBackend } from './backends.js';

/** One specification of IdleJobs, the sweep's view of the job records, run against every backend. */
export function describeIdleJobsContract(backend: StoreBackend): void {
  describe.skipIf(backend.skipReason !== undefined)(`IdleJobs contract: ${backend.name}`, () => {
    const open = storesOf(backend);

    it('lists unfinished jobs left unchanged for a while, oldest first, and no finished or busy ones', async () => {
      const { jobs, idle } = await open();
      const [queued, processing, completed, deleted, busy] = [newJob(), newJob(), newJob(), newJob(), newJob()];
      for (const job of [queued, processing, completed, deleted, busy]) await jobs.create(job);
      await jobs.markProcessing(processing.id);
      await jobs.markProcessing(completed.id);
      await jobs.complete(completed.id, result);
      await jobs.delete(deleted.id);
      await sleep(300);
      await jobs.markProcessing(busy.id);
      const listed = await idle.listIdle(200, 10);
      expect(listed.map((record) => [record.id, record.status])).toEqual([
        [queued.id, 'queued'],
        [processing.id, 'processing'],
      ]);
      expect(await idle.listIdle(200, 1)).toHaveLength(1);
      // Progress is a sign of life.
      await jobs.progress(processing.id, 0.3);
      expect((await idle.listIdle(200, 10)).map((record) => record.id)).toEqual([queued.id]);
    });
  });
}
