import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createPageRenderer } from '../../src/documents/page-renderer.js';
import type { CallbackDelivery } from '../../src/job.js';
import { createMetrics } from '../../src/metrics.js';
import type { OcrPipeline } from '../../src/ocr/pipeline.js';
import { createMemoryQueue } from '../../src/queue/memory.js';
import { createMemoryStores } from '../../src/store/memory/index.js';
import type { WebhookSender } from '../../src/webhook/sender.js';
import { createJobProcessor } from '../../src/jobs/job-processor.js';
import { createOutageGuard } from '../../src/jobs/outage-guard.js';
import { readPage } from '../helpers/ocr-pipeline.js';

const logger = pino({ level: 'silent' });

const pipeline: OcrPipeline = {
  run: async () => readPage('called back'),
};

const failing: OcrPipeline = {
  run: async () => {
    throw new Error('the engine crashed');
  },
};

/** A job processor whose callbacks are recorded, over stores whose reads are counted. */
function setup(run: OcrPipeline) {
  const stores = createMemoryStores({ resultTtlSeconds: 600 });
  const reads: string[] = [];
  const sent: Array<{ url: string; body: unknown }> = [];
  const webhooks: WebhookSender = {
    async deliver(url, body) {
      sent.push({ url, body });
      return { url, status: 'delivered', attempts: 1, lastStatus: 200, finishedAt: new Date().toISOString() } satisfies CallbackDelivery;
    },
    close: async () => {},
  };
  const processor = createJobProcessor({
    jobs: { ...stores.jobs, get: (id) => (reads.push(id), stores.jobs.get(id)) },
    pageAccounting: stores.pages,
    pipeline: run,
    outages: createOutageGuard({ logger }),
    logger,
    webhooks,
    metrics: createMetrics(),
    queue: createMemoryQueue({ maxAttempts: 1 }),
    renderer: createPageRenderer({ limits: { renderDpi: 100, maxPixels: 1_000_000 }, memoryMb: 256, timeoutMs: 10_000, logger }),
  });
  const submit = async (id: string) => {
    const job = {
      id,
      options: { lang: 'eng' },
      mediaType: 'image/png',
      createdAt: new Date().toISOString(),
      callbackUrl: 'https://example.org/hook',
    };
    if (!(await stores.jobs.get(id))) await stores.jobs.create(job);
    await processor.handle(
      { id, kind: 'image', image: Buffer.from('image'), mediaType: 'image/png', options: { lang: 'eng' } },
      { attempt: 1, finalAttempt: true },
    );
  };
  return { stores, reads, sent, submit };
}

describe('the callback of a finished job', () => {
  it('is sent from the record the completion wrote, without reading it back, and recorded once', async () => {
    const { stores, reads, sent, submit } = setup(pipeline);
    await submit('completed-job');
    expect(sent).toEqual([{ url: 'https://example.org/hook', body: expect.objectContaining({ task_id: 'completed-job', status: 'completed' }) }]);
    expect(reads).toEqual([]);
    expect(await stores.jobs.get('completed-job')).toMatchObject({ callback: { status: 'delivered' } });
  });

  it('is sent from the record the failure wrote, without reading it back', async () => {
    const { reads, sent, submit } = setup(failing);
    await submit('failed-job');
    expect(sent).toEqual([{ url: 'https://example.org/hook', body: expect.objectContaining({ task_id: 'failed-job', status: 'failed' }) }]);
    expect(reads).toEqual([]);
  });

  it('is still sent by a redelivery of a job that an earlier delivery finished and died before calling back', async () => {
    const { stores, reads, sent, submit } = setup(pipeline);
    const id = 'finished-before';
    await stores.jobs.create({
      id,
      options: { lang: 'eng' },
      mediaType: 'image/png',
      createdAt: new Date().toISOString(),
      callbackUrl: 'https://example.org/hook',
    });
    await stores.jobs.markProcessing(id);
    await stores.jobs.complete(id, {
      text: 'stored by the first delivery',
      confidence: 90,
      lang: 'eng',
      psm: 6,
      timings: { queuedMs: 1, recognitionMs: 1 },
    });
    await submit(id);
    expect(sent).toEqual([{ url: 'https://example.org/hook', body: expect.objectContaining({ task_id: id, status: 'completed' }) }]);
    // This delivery wrote nothing, so the record it calls back with is read.
    expect(reads).toEqual([id]);
  });
});
