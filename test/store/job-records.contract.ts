import { describe, expect, it } from 'vitest';
import type { OcrResult } from '../../src/job.js';
import { newJob, result, sleep, storesOf, type StoreBackend } from './backends.js';

/** One specification of JobRecords, run against every backend. */
export function describeJobRecordsContract(backend: StoreBackend): void {
  describe.skipIf(backend.skipReason !== undefined)(`JobRecords contract: ${backend.name}`, () => {
    const open = storesOf(backend);
    const openJobs = async (resultTtlSeconds?: number) => (await open(resultTtlSeconds)).jobs;

    it('records a new job as queued with no attempts', async () => {
      const jobs = await openJobs();
      const job = newJob();
      expect(await jobs.create(job)).toMatchObject({ id: job.id, status: 'queued', attempts: 0 });
      expect(await jobs.get(job.id)).toMatchObject({
        id: job.id,
        status: 'queued',
        attempts: 0,
        options: job.options,
        mediaType: 'image/png',
        createdAt: job.createdAt,
      });
      expect(await jobs.get('no-such-task')).toBeUndefined();
    });

    it('leaves a job that exists as it is when it is created again (an upload finished by its retry)', async () => {
      const jobs = await openJobs();
      const job = newJob();
      await jobs.create(job);
      await jobs.markProcessing(job.id);
      await jobs.complete(job.id, result);
      expect(await jobs.create({ ...job, options: { lang: 'deu' } })).toMatchObject({ status: 'completed', options: { lang: 'eng' } });
      expect(await jobs.get(job.id)).toMatchObject({ status: 'completed', attempts: 1, result });
    });

    it('moves a job through processing to completed, and answers the completed record as stored', async () => {
      const jobs = await openJobs();
      const job = newJob();
      await jobs.create(job);
      const processing = await jobs.markProcessing(job.id);
      expect(processing).toMatchObject({ status: 'processing', attempts: 1 });
      expect(processing!.startedAt).toBeDefined();
      await jobs.progress(job.id, 0.5);
      expect((await jobs.get(job.id))!.progress).toBe(0.5);
      const completed = await jobs.complete(job.id, result);
      expect(completed).toMatchObject({ status: 'completed', attempts: 1, result });
      expect(completed!.finishedAt).toBeDefined();
      expect(completed!.error).toBeUndefined();
      expect(completed!.progress).toBeUndefined();
      expect(await jobs.get(job.id)).toEqual(completed);
    });

    it('never moves a finished job back: redelivery after completion changes nothing', async () => {
      const jobs = await openJobs();
      const job = newJob();
      await jobs.create(job);
      await jobs.markProcessing(job.id);
      await jobs.complete(job.id, result);
      expect(await jobs.markProcessing(job.id)).toBeUndefined();
      expect(await jobs.complete(job.id, { ...result, text: 'second' })).toBeUndefined();
      expect(await jobs.fail(job.id, { code: 'OCR_FAILED', message: 'late failure' })).toBeUndefined();
      expect(await jobs.get(job.id)).toMatchObject({ status: 'completed', attempts: 1, result });
    });

    it('keeps fields of a result it does not know about, untouched', async () => {
      const jobs = await openJobs();
      const job = newJob();
      await jobs.create(job);
      await jobs.markProcessing(job.id);
      const richer = {
        ...result,
        words: [{ text: 'Grüße', confidence: 93.2, bbox: { x0: 1, y0: 2, x1: 30, y1: 12 } }],
        hocr: '<div class="ocr_page">…</div>',
        tsv: 'level\tpage_num\n1\t1\n',
        empty: null,
      };
      expect((await jobs.complete(job.id, richer as OcrResult))!.result).toEqual(richer);
      expect((await jobs.get(job.id))!.result).toEqual(richer);
    });

    it('lets only one of two concurrent finishes of the same job win', async () => {
      const jobs = await openJobs();
      const job = newJob();
      await jobs.create(job);
      await jobs.markProcessing(job.id);
      await jobs.markProcessing(job.id);
      const outcomes = await Promise.all([
        jobs.complete(job.id, { ...result, text: 'first' }),
        jobs.complete(job.id, { ...result, text: 'second' }),
        jobs.fail(job.id, { code: 'OCR_FAILED', message: 'third' }),
      ]);
      const winners = outcomes.filter((outcome) => outcome !== undefined);
      expect(winners).toHaveLength(1);
      const finished = await jobs.get(job.id);
      expect(finished).toEqual(winners[0]);
      expect(finished!.attempts).toBe(2);
      expect(finished!.progress).toBeUndefined();
    });

    it('records a failure with its code and message, and answers the failed record', async () => {
      const jobs = await openJobs();
      const job = newJob();
      await jobs.create(job);
      await jobs.markProcessing(job.id);
      const failed = await jobs.fail(job.id, { code: 'OCR_TIMEOUT', message: 'too slow' });
      expect(failed).toMatchObject({ status: 'failed', error: { code: 'OCR_TIMEOUT', message: 'too slow' } });
      expect(await jobs.get(job.id)).toEqual(failed);
      expect(await jobs.complete(job.id, result)).toBeUndefined();
    });

    it('puts a job back to queued for a retry and counts the next attempt', async () => {
      const jobs = await openJobs();
      const job = newJob();
      await jobs.create(job);
      await jobs.markProcessing(job.id);
      await jobs.requeue(job.id, { code: 'OCR_FAILED', message: 'engine crashed' });
      expect(await jobs.get(job.id)).toMatchObject({ status: 'queued', attempts: 1, error: { code: 'OCR_FAILED' } });
      expect(await jobs.markProcessing(job.id)).toMatchObject({ status: 'processing', attempts: 2 });
    });

    it('deletes everything of a job, and a deleted job cannot be picked up', async () => {
      const jobs = await openJobs();
      const job = newJob();
      await jobs.create(job);
      expect(await jobs.delete(job.id)).toBe(true);
      expect(await jobs.get(job.id)).toBeUndefined();
      expect(await jobs.delete(job.id)).toBe(false);
      expect(await jobs.markProcessing(job.id)).toBeUndefined();
      expect(await jobs.complete(job.id, result)).toBeUndefined();
      expect(await jobs.get(job.id)).toBeUndefined();
    });

    it('wakes a waiter as soon as the job completes', { timeout: 5_000 }, async () => {
      const jobs = await openJobs();
      const job = newJob();
      await jobs.create(job);
      const processing = await jobs.markProcessing(job.id);
      // The wait is far longer than the test's own time-out: only a wake-up can pass.
      const waiting = jobs.waitFor(processing!, 30_000);
      setTimeout(() => void jobs.complete(job.id, result), 100);
      expect(await waiting).toMatchObject({ status: 'completed', result });
    });

    it('wakes a waiter when the job fails', { timeout: 5_000 }, async () => {
      const jobs = await openJobs();
      const job = newJob();
      const queued = await jobs.create(job);
      const waiting = jobs.waitFor(queued, 30_000);
      setTimeout(() => void jobs.fail(job.id, { code: 'IMAGE_UNREADABLE', message: 'corrupt' }), 100);
      expect(await waiting).toMatchObject({ status: 'failed', error: { code: 'IMAGE_UNREADABLE' } });
    });

    it('gives up waiting after the timeout with the current state, and answers nothing for a job deleted meanwhile', async () => {
      const jobs = await openJobs();
      const job = newJob();
      const queued = await jobs.create(job);
      const started = Date.now();
      expect(await jobs.waitFor(queued, 300)).toMatchObject({ status: 'queued' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      await jobs.delete(job.id);
      expect(await jobs.waitFor(queued, 300)).toBeUndefined();
    });

    it('answers a wait on a finished job at once, also when the record it was given is older than the finish', { timeout: 2_000 }, async () => {
      const jobs = await openJobs();
      const job = newJob();
      const queued = await jobs.create(job);
      const failed = await jobs.fail(job.id, { code: 'OCR_FAILED', message: 'x' });
      expect(await jobs.waitFor(failed!, 30_000)).toMatchObject({ status: 'failed' });
      expect(await jobs.waitFor(queued, 30_000)).toMatchObject({ status: 'failed' });
    });

    it('forgets a job once its time to live has passed', async () => {
      const jobs = await openJobs(1);
      const job = newJob();
      await jobs.create(job);
      expect(await jobs.get(job.id)).toBeDefined();
      await sleep(2_100);
      expect(await jobs.get(job.id)).toBeUndefined();
    });

    it('keeps the owner and callback URL of a job, and records its callback delivery', async () => {
      const jobs = await openJobs();
      const job = { ...newJob(), owner: 'alice', callbackUrl: 'https://example.org/hook' };
      await jobs.create(job);
      await jobs.markProcessing(job.id);
      expect(await jobs.complete(job.id, result)).toMatchObject({ owner: 'alice', callbackUrl: job.callbackUrl });
      const delivery = { url: job.callbackUrl, status: 'delivered' as const, attempts: 2, lastStatus: 200, finishedAt: new Date().toISOString() };
      await jobs.recordCallback(job.id, delivery);
      expect(await jobs.get(job.id)).toMatchObject({ status: 'completed', owner: 'alice', callbackUrl: job.callbackUrl, callback: delivery });
      await jobs.delete(job.id);
      await jobs.recordCallback(job.id, delivery);
      expect(await jobs.get(job.id)).toBeUndefined();
    });
  });
}
