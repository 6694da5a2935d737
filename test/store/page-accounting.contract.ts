import { describe, expect, it } from 'vitest';
import type { Stores } from '../../src/store/stores.js';
import { newJob, pageResult, result, storesOf, type StoreBackend } from './backends.js';

/** A task being read as a document of `pages` pages. */
const startDocument = async ({ jobs, pages }: Stores, pageCount: number) => {
  const job = newJob();
  await jobs.create(job);
  await jobs.markProcessing(job.id);
  await pages.begin(job.id, pageCount);
  return job;
};

/** One specification of PageAccounting, the page counts of documents, run against every backend. */
export function describePageAccountingContract(backend: StoreBackend): void {
  describe.skipIf(backend.skipReason !== undefined)(`PageAccounting contract: ${backend.name}`, () => {
    const open = storesOf(backend);

    it('counts each page once and reports the last one, with progress in pages', async () => {
      const stores = await open();
      const { jobs, pages } = stores;
      const job = await startDocument(stores, 3);
      await pages.begin(job.id, 99); // a redelivered document job keeps the first count
      expect(await pages.recordPage(job.id, pageResult(2))).toEqual({ done: 1, total: 3 });
      expect(await pages.recordPage(job.id, pageResult(2, 'read again'))).toEqual({ done: 1, total: 3 });
      expect((await jobs.get(job.id))?.progress).toBeCloseTo(0.33, 2);
      expect(await pages.recordPage(job.id, pageResult(1))).toEqual({ done: 2, total: 3 });
      expect(await pages.recordPage(job.id, pageResult(3))).toEqual({ done: 3, total: 3 });
      const listed = (await pages.listPages(job.id)).sort((a, b) => a.page - b.page);
      expect(listed.map((page) => page.text)).toEqual(['page 1', 'page 2', 'page 3']);
    });

    it('lets exactly one of many concurrent last pages see the document done', async () => {
      const stores = await open();
      const job = await startDocument(stores, 20);
      const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => stores.pages.recordPage(job.id, pageResult(i + 1))));
      expect(counts.filter((count) => count?.done === 20)).toHaveLength(1);
      expect(new Set(counts.map((count) => count?.done))).toEqual(new Set(Array.from({ length: 20 }, (_, i) => i + 1)));
    });

    it('records no page of a finished or deleted task, and drops pages with the task', async () => {
      const stores = await open();
      const { jobs, pages } = stores;
      const finished = await startDocument(stores, 2);
      await pages.recordPage(finished.id, pageResult(1));
      expect(await jobs.complete(finished.id, result)).toMatchObject({ status: 'completed' });
      expect(await pages.recordPage(finished.id, pageResult(2))).toBeUndefined();
      await pages.discardPages(finished.id);
      expect(await pages.listPages(finished.id)).toEqual([]);

      const deleted = await startDocument(stores, 2);
      await pages.recordPage(deleted.id, pageResult(1));
      await jobs.delete(deleted.id);
      expect(await pages.listPages(deleted.id)).toEqual([]);
      expect(await pages.recordPage(deleted.id, pageResult(2))).toBeUndefined();
      await pages.begin(deleted.id, 2);
      expect(await jobs.get(deleted.id)).toBeUndefined();
    });
  });
}
