import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { OcrEngine } from '../../src/ocr/engine/engine.js';
import type { OcrPipeline, PipelineResult } from '../../src/ocr/pipeline.js';
import { createMemoryQueue } from '../../src/queue/memory.js';
import { createMemoryStores } from '../../src/store/memory/index.js';
import { createOutageGuard } from '../../src/jobs/outage-guard.js';
import { startWorker, type Worker } from '../../src/worker/worker.js';
import { readPage } from '../helpers/ocr-pipeline.js';
import { createTestProcessor } from '../helpers/processor.js';

const logger = pino({ level: 'silent' });

const idleEngine: OcrEngine = {
  recognize: () => Promise.reject(new Error('not used')),
  detectOrientation: () => Promise.reject(new Error('not used')),
  warmUp: async () => {},
  close: async () => {},
};

/** A pipeline whose every run waits until the test finishes it, so the jobs a worker has taken can be counted. */
function heldPipeline() {
  const held: Array<{ image: string; finish: () => void }> = [];
  const pipeline: OcrPipeline = {
    run: ({ image }) =>
      new Promise<PipelineResult>((resolve) => {
        const text = `read ${image.toString()}`;
        held.push({
          image: image.toString(),
          finish: () => resolve(readPage(text)),
        });
      }),
  };
  return { pipeline, held };
}

describe('a worker', () => {
  let worker: Worker | undefined;
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });

  it('takes one job beyond its OCR slots, prepared while the slots are busy, and no more', async () => {
    const stores = createMemoryStores({ resultTtlSeconds: 600 });
    const queue = createMemoryQueue({ maxAttempts: 1 });
    const { pipeline, held } = heldPipeline();
    const processor = createTestProcessor({ stores, queue, pipeline, logger });
    const outages = createOutageGuard({ logger });
    worker = await startWorker({
      queue,
      idle: stores.idle,
      engine: idleEngine,
      processor,
      outages,
      logger,
      concurrency: 1,
      preloadLanguageSets: [],
      sweep: { staleAfterMs: 600_000, intervalMs: 600_000 },
    });
    const ids = ['first', 'second', 'third'];
    const created = [];
    for (const id of ids) {
      created.push(await stores.jobs.create({ id, options: { lang: 'eng' }, mediaType: 'image/png', createdAt: new Date().toISOString() }));
      await queue.publish({ id, kind: 'image', image: Buffer.from(id), mediaType: 'image/png', options: { lang: 'eng' } });
    }
    await expect.poll(() => held.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(held.map(({ image }) => image)).toEqual(['first', 'second']);
    expect((await stores.jobs.get('third'))?.status).toBe('queued');

    held[0]!.finish();
    await expect.poll(() => held.length).toBe(3);
    for (const { finish } of held.slice(1)) finish();
    for (const record of created) {
      expect(await stores.jobs.waitFor(record, 5_000)).toMatchObject({ status: 'completed', result: { text: `read ${record.id}` } });
    }
  });
});
