import { afterEach, describe, expect, it } from 'vitest';
import type { OcrResult, PageResult } from '../../src/job.js';
import type { NewJob, ResultStore } from '../../src/store/result-store.js';

export interface StoreBackend {
  name: string;
  /** A fresh store isolated from every other test (its own key prefix). */
  create(options: { resultTtlSeconds: number }): Promise<ResultStore>;
  cleanup?(): Promise<void>;
  skipReason?: string;
}

let sequence = 0;
const newJob = (): NewJob => {
  sequence += 1;
  return { id: `task-${process.pid}-${sequence}`, options: { lang: 'eng' }, mediaType: 'image/png', createdAt: new Date().toISOString() };
};

const result: OcrResult = {
  text: 'Grüße aus Köln\n',
  confidence: 91.5,
  lang: 'deu',
  psm: 6,
  timings: { queuedMs: 12, recognitionMs: 340 },
};

const pageResult = (page: number, text = `page ${page}`): PageResult => ({ page, text, confidence: 90, source: 'ocr', recognitionMs: 5 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One specification of ResultStore, run against every backend. */
export function describeResultStoreContract(backend: StoreBackend): void {
  describe.skipIf(backend.skipReason !== undefined)(`ResultStore contract: ${backend.name}`, () => {
    const opened: ResultStore[] = [];
    const open = async (resultTtlSeconds = 3600) => {
      const store = await backend.create({ resultTtlSeconds });
      opened.push(store);
      return store;
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      await backend.cleanup?.();
    });

    it('records a new job as queued with no attempts', async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      expect(await store.get(job.id)).toMatchObject({
        id: job.id,
        status: 'queued',
        attempts: 0,
        options: job.options,
        mediaType: 'image/png',
        createdAt: job.createdAt,
      });
      expect(await store.get('no-such-task')).toBeUndefined();
    });

    it('leaves a job that exists as it is when it is created again (an upload finished by its retry)', async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      await store.markProcessing(job.id);
      await store.complete(job.id, result);
      expect(await store.create({ ...job, options: { lang: 'deu' } })).toMatchObject({ status: 'completed', options: { lang: 'eng' } });
      expect(await store.get(job.id)).toMatchObject({ status: 'completed', attempts: 1, result });
    });

    it('moves a job through processing to completed with its result', async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      const processing = await store.markProcessing(job.id);
      expect(processing).toMatchObject({ status: 'processing', attempts: 1 });
      expect(processing!.startedAt).toBeDefined();
      await store.progress(job.id, 0.5);
      expect((await store.get(job.id))!.progress).toBe(0.5);
      expect(await store.complete(job.id, result)).toBe(true);
      const completed = await store.get(job.id);
      expect(completed).toMatchObject({ status: 'completed', attempts: 1, result });
      expect(completed!.finishedAt).toBeDefined();
      expect(completed!.error).toBeUndefined();
    });

    it('lists unfinished jobs left unchanged for a while, oldest first, and no finished or busy ones', async () => {
      const store = await open();
      const [queued, processing, completed, deleted, busy] = [newJob(), newJob(), newJob(), newJob(), newJob()];
      for (const job of [queued, processing, completed, deleted, busy]) await store.create(job);
      await store.markProcessing(processing.id);
      await store.markProcessing(completed.id);
      await store.complete(completed.id, result);
      await store.delete(deleted.id);
      await sleep(300);
      await store.markProcessing(busy.id);
      const idle = await store.listIdle(200, 10);
      expect(idle.map((record) => [record.id, record.status])).toEqual([
        [queued.id, 'queued'],
        [processing.id, 'processing'],
      ]);
      expect(await store.listIdle(200, 1)).toHaveLength(1);
      // Progress is a sign of life.
      await store.progress(processing.id, 0.3);
      expect((await store.listIdle(200, 10)).map((record) => record.id)).toEqual([queued.id]);
    });

    it('never moves a finished job back: redelivery after completion changes nothing', async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      await store.markProcessing(job.id);
      await store.complete(job.id, result);
      expect(await store.markProcessing(job.id)).toBeUndefined();
      expect(await store.complete(job.id, { ...result, text: 'second' })).toBe(false);
      expect(await store.fail(job.id, { code: 'OCR_FAILED', message: 'late failure' })).toBe(false);
      expect(await store.get(job.id)).toMatchObject({ status: 'completed', attempts: 1, result });
    });

    it('keeps fields of a result it does not know about, untouched', async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      await store.markProcessing(job.id);
      const richer = {
        ...result,
        words: [{ text: 'Grüße', confidence: 93.2, bbox: { x0: 1, y0: 2, x1: 30, y1: 12 } }],
        hocr: '<div class="ocr_page">…</div>',
        tsv: 'level\tpage_num\n1\t1\n',
        empty: null,
      };
      expect(await store.complete(job.id, richer as OcrResult)).toBe(true);
      expect((await store.get(job.id))!.result).toEqual(richer);
    });

    it('lets only one of two concurrent finishes of the same job win', async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      await store.markProcessing(job.id);
      await store.markProcessing(job.id);
      const outcomes = await Promise.all([
        store.complete(job.id, { ...result, text: 'first' }),
        store.complete(job.id, { ...result, text: 'second' }),
        store.fail(job.id, { code: 'OCR_FAILED', message: 'third' }),
      ]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const finished = await store.get(job.id);
      expect(finished!.attempts).toBe(2);
      expect(finished!.progress).toBeUndefined();
    });

    it('records a failure with its code and message', async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      await store.markProcessing(job.id);
      expect(await store.fail(job.id, { code: 'OCR_TIMEOUT', message: 'too slow' })).toBe(true);
      expect(await store.get(job.id)).toMatchObject({ status: 'failed', error: { code: 'OCR_TIMEOUT', message: 'too slow' } });
      expect(await store.complete(job.id, result)).toBe(false);
    });

    it('puts a job back to queued for a retry and counts the next attempt', async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      await store.markProcessing(job.id);
      await store.requeue(job.id, { code: 'OCR_FAILED', message: 'engine crashed' });
      expect(await store.get(job.id)).toMatchObject({ status: 'queued', attempts: 1, error: { code: 'OCR_FAILED' } });
      expect(await store.markProcessing(job.id)).toMatchObject({ status: 'processing', attempts: 2 });
    });

    it('deletes everything of a job, and a deleted job cannot be picked up', async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      expect(await store.delete(job.id)).toBe(true);
      expect(await store.get(job.id)).toBeUndefined();
      expect(await store.delete(job.id)).toBe(false);
      expect(await store.markProcessing(job.id)).toBeUndefined();
      expect(await store.complete(job.id, result)).toBe(false);
      expect(await store.get(job.id)).toBeUndefined();
    });

    it('wakes a waiter as soon as the job completes', { timeout: 5_000 }, async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      await store.markProcessing(job.id);
      // The wait is far longer than the test's own time-out: only a wake-up can pass.
      const waiting = store.waitFor(job.id, 30_000);
      setTimeout(() => void store.complete(job.id, result), 100);
      expect(await waiting).toMatchObject({ status: 'completed', result });
    });

    it('wakes a waiter when the job fails', { timeout: 5_000 }, async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      const waiting = store.waitFor(job.id, 30_000);
      setTimeout(() => void store.fail(job.id, { code: 'IMAGE_UNREADABLE', message: 'corrupt' }), 100);
      expect(await waiting).toMatchObject({ status: 'failed', error: { code: 'IMAGE_UNREADABLE' } });
    });

    it('gives up waiting after the timeout with the current state', async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      const started = Date.now();
      expect(await store.waitFor(job.id, 300)).toMatchObject({ status: 'queued' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(await store.waitFor('no-such-task', 300)).toBeUndefined();
    });

    it('answers a wait on a finished job at once', { timeout: 2_000 }, async () => {
      const store = await open();
      const job = newJob();
      await store.create(job);
      await store.fail(job.id, { code: 'OCR_FAILED', message: 'x' });
      expect(await store.waitFor(job.id, 30_000)).toMatchObject({ status: 'failed' });
    });

    it('forgets a job once its time to live has passed', async () => {
      const store = await open(1);
      const job = newJob();
      await store.create(job);
      expect(await store.get(job.id)).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect(await store.get(job.id)).toBeUndefined();
    });

    it('reports itself reachable', async () => {
      const store = await open();
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('keeps the owner and callback URL of a job, and records its callback delivery', async () => {
      const store = await open();
      const job = { ...newJob(), owner: 'alice', callbackUrl: 'https://example.org/hook' };
      await store.create(job);
      await store.markProcessing(job.id);
      await store.complete(job.id, result);
      const delivery = { url: job.callbackUrl, status: 'delivered' as const, attempts: 2, lastStatus: 200, finishedAt: new Date().toISOString() };
      await store.recordCallback(job.id, delivery);
      expect(await store.get(job.id)).toMatchObject({ status: 'completed', owner: 'alice', callbackUrl: job.callbackUrl, callback: delivery });
      await store.delete(job.id);
      await store.recordCallback(job.id, delivery);
      expect(await store.get(job.id)).toBeUndefined();
    });

    it('answers the first claim of an idempotency key to every later claim, until released', async () => {
      const store = await open();
      const key = `idem-${process.pid}-${Date.now()}`;
      expect(await store.claimIdempotencyKey(key, { taskId: 't1', fingerprint: 'f1' })).toBeUndefined();
      expect(await store.claimIdempotencyKey(key, { taskId: 't2', fingerprint: 'f2' })).toEqual({ taskId: 't1', fingerprint: 'f1' });
      expect(await store.claimIdempotencyKey(`${key}-other`, { taskId: 't3', fingerprint: 'f1' })).toBeUndefined();
      await store.releaseIdempotencyKey(key);
      expect(await store.claimIdempotencyKey(key, { taskId: 't4', fingerprint: 'f4' })).toBeUndefined();
    });

    it('marks a claimed key as queued once its job is, and keeps its task', async () => {
      const store = await open();
      const key = `queued-${process.pid}-${Date.now()}`;
      expect(await store.claimIdempotencyKey(key, { taskId: 't1', fingerprint: 'f1' })).toBeUndefined();
      await store.confirmIdempotencyKey(key);
      expect(await store.claimIdempotencyKey(key, { taskId: 't2', fingerprint: 'f1' })).toEqual({ taskId: 't1', fingerprint: 'f1', queued: true });
      // A key released meanwhile stays released.
      await store.releaseIdempotencyKey(key);
      await store.confirmIdempotencyKey(key);
      expect(await store.claimIdempotencyKey(key, { taskId: 't3', fingerprint: 'f3' })).toBeUndefined();
    });

    it('lets exactly one of many concurrent claims of a key win', async () => {
      const store = await open();
      const key = `race-${process.pid}-${Date.now()}`;
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => store.claimIdempotencyKey(key, { taskId: `t${i}`, fingerprint: 'f' })));
      expect(answers.filter((answer) => answer === undefined)).toHaveLength(1);
      const winner = answers.findIndex((answer) => answer === undefined);
      expect(new Set(answers.filter(Boolean).map((answer) => answer!.taskId))).toEqual(new Set([`t${winner}`]));
    });

    it('keeps the archive outbox oldest first, each task once, until removed', async () => {
      const store = await open();
      for (const id of ['a', 'b', 'a', 'c']) await store.addToArchiveOutbox(id);
      expect(await store.listArchiveOutbox(2)).toEqual(['a', 'b']);
      expect(await store.listArchiveOutbox(10)).toEqual(['a', 'b', 'c']);
      await store.removeFromArchiveOutbox(['a', 'b']);
      expect(await store.listArchiveOutbox(10)).toEqual(['c']);
      await store.removeFromArchiveOutbox([]);
      expect(await store.listArchiveOutbox(10)).toEqual(['c']);
    });
    describe('page accounting of documents', () => {
      /** A task being read as a document of `pages` pages. */
      const startDocument = async (store: ResultStore, pages: number) => {
        const job = newJob();
        await store.create(job);
        await store.markProcessing(job.id);
        await store.beginDocument(job.id, pages);
        return job;
      };

      it('counts each page once and reports the last one, with progress in pages', async () => {
        const store = await open();
        const job = await startDocument(store, 3);
        await store.beginDocument(job.id, 99); // a redelivered document job keeps the first count
        expect(await store.recordPage(job.id, pageResult(2))).toEqual({ done: 1, total: 3 });
        expect(await store.recordPage(job.id, pageResult(2, 'read again'))).toEqual({ done: 1, total: 3 });
        expect((await store.get(job.id))?.progress).toBeCloseTo(0.33, 2);
        expect(await store.recordPage(job.id, pageResult(1))).toEqual({ done: 2, total: 3 });
        expect(await store.recordPage(job.id, pageResult(3))).toEqual({ done: 3, total: 3 });
        const pages = (await store.listPages(job.id)).sort((a, b) => a.page - b.page);
        expect(pages.map((page) => page.text)).toEqual(['page 1', 'page 2', 'page 3']);
      });

      it('lets exactly one of many concurrent last pages see the document done', async () => {
        const store = await open();
        const job = await startDocument(store, 20);
        const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => store.recordPage(job.id, pageResult(i + 1))));
        expect(counts.filter((count) => count?.done === 20)).toHaveLength(1);
        expect(new Set(counts.map((count) => count?.done))).toEqual(new Set(Array.from({ length: 20 }, (_, i) => i + 1)));
      });

      it('records no page of a finished or deleted task, and drops pages with the task', async () => {
        const store = await open();
        const finished = await startDocument(store, 2);
        await store.recordPage(finished.id, pageResult(1));
        expect(await store.complete(finished.id, result)).toBe(true);
        expect(await store.recordPage(finished.id, pageResult(2))).toBeUndefined();
        await store.discardPages(finished.id);
        expect(await store.listPages(finished.id)).toEqual([]);

        const deleted = await startDocument(store, 2);
        await store.recordPage(deleted.id, pageResult(1));
        await store.delete(deleted.id);
        expect(await store.listPages(deleted.id)).toEqual([]);
        expect(await store.recordPage(deleted.id, pageResult(2))).toBeUndefined();
        await store.beginDocument(deleted.id, 2);
        expect(await store.get(deleted.id)).toBeUndefined();
      });
    });
  });
}
