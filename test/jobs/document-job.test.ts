import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { OcrPipeline, PipelineRequest } from '../../src/ocr/pipeline.js';
import { createMemoryQueue } from '../../src/queue/memory.js';
import type { JobQueue } from '../../src/queue/job-queue.js';
import { createMemoryStores } from '../../src/store/memory/index.js';
import { readDoc } from '../helpers/documents.js';
import { readPage } from '../helpers/ocr-pipeline.js';
import { createTestProcessor } from '../helpers/processor.js';

const logger = pino({ level: 'silent' });

/** A pipeline that reads every image it is given as "read <call number>", or fails the calls `fail` names. */
function scriptedPipeline(fail: (call: number) => Error | undefined): OcrPipeline & { calls: number } {
  const pipeline = {
    calls: 0,
    async run(_request: PipelineRequest) {
      pipeline.calls += 1;
      const error = fail(pipeline.calls);
      if (error) throw error;
      return readPage(`read ${pipeline.calls}`, 10);
    },
  };
  return pipeline;
}

describe('document and page jobs in one worker (memory queue and store, a scripted pipeline)', () => {
  const queues: JobQueue[] = [];
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
  });

  /** born2.pdf with force_ocr: two pages, each a page job through the pipeline. */
  const readDocument = async (pipeline: OcrPipeline) => {
    const stores = createMemoryStores({ resultTtlSeconds: 600 });
    const queue = createMemoryQueue({ maxAttempts: 2, retryBackoff: { initialMs: 1, maxMs: 1 } });
    queues.push(queue);
    const processor = createTestProcessor({ stores, queue, pipeline, logger });
    await queue.consume(processor.handle, { concurrency: 1, onDeadLetter: processor.recordDeadLetter });
    const options = { lang: 'eng', pages: [1, 2], forceOcr: true };
    const created = await stores.jobs.create({ id: 'doc', options, mediaType: 'application/pdf', createdAt: new Date().toISOString() });
    await queue.publish({ id: 'doc', kind: 'document', image: readDoc('born2.pdf'), mediaType: 'application/pdf', options });
    return stores.jobs.waitFor(created, 20_000);
  };

  it('completes the document from its pages, the page retried after a fault read again', async () => {
    const pipeline = scriptedPipeline((call) => (call === 1 ? new AppError('OCR_FAILED', 'The OCR engine crashed on this image.') : undefined));
    const record = await readDocument(pipeline);
    expect(record).toMatchObject({ status: 'completed', attempts: 1 });
    expect(record!.result!.pages!.map((page) => [page.page, page.source])).toEqual([
      [1, 'ocr'],
      [2, 'ocr'],
    ]);
    expect(record!.result!.text.split('\f')).toHaveLength(2);
    expect(pipeline.calls).toBe(3);
  });

  it('fails the whole document, naming the page, when a page fails for good', async () => {
    const pipeline = scriptedPipeline((call) => (call === 2 ? new AppError('IMAGE_UNREADABLE', 'The image cannot be decoded.') : undefined));
    const record = await readDocument(pipeline);
    expect(record).toMatchObject({ status: 'failed', error: { code: 'IMAGE_UNREADABLE', message: 'Page 2: The image cannot be decoded.' } });
    expect(record!.result).toBeUndefined();
  });
});
