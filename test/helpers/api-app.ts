import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp, type AppDependencies } from '../../src/api/app.js';
import { loadConfig } from '../../src/config.js';
import { createPageRenderer } from '../../src/documents/page-renderer.js';
import type { JobRecord, OcrResult } from '../../src/job.js';
import { createMetrics } from '../../src/metrics.js';
import { createLanguageCatalog } from '../../src/ocr/engine/languages.js';
import { createMemoryQueue } from '../../src/queue/memory.js';
import { createMemoryStores } from '../../src/store/memory/index.js';
import type { Stores } from '../../src/store/stores.js';
import { createAddressPolicy } from '../../src/webhook/address-policy.js';

const catalog = createLanguageCatalog();

export interface TestApi {
  app: FastifyInstance;
  stores: Stores;
  /** Records a task as the upload would, then moves it along as a worker would: no queue consumer, no OCR. */
  createTask(record?: Partial<Pick<JobRecord, 'options'>>): Promise<string>;
  complete(id: string, result?: Partial<OcrResult>): Promise<void>;
}

/**
 * The HTTP API on the in-process queue and store, for `app.inject()`: the contract without starting a
 * process. Nothing consumes the queue, so a task stays where the test puts it.
 */
export async function buildTestApi(overrides: Partial<AppDependencies> = {}): Promise<TestApi> {
  const stores = createMemoryStores({ resultTtlSeconds: 600 });
  const app = await buildApp({
    queue: createMemoryQueue({ maxAttempts: 1 }),
    stores,
    catalog,
    logger: pino({ level: 'silent' }),
    maxUploadBytes: 5 * 1024 * 1024,
    maxImagePixels: 40_000_000,
    maxPages: 200,
    pdfRenderDpi: 300,
    apiKeys: [],
    rateLimit: { max: 1000, windowMs: 60_000 },
    callbacks: { enabled: false, addressPolicy: createAddressPolicy({ allowPrivate: false }) },
    metrics: createMetrics(),
    httpTimeouts: loadConfig({}).http.timeouts,
    // Its thread starts at the first page image asked for, and does not keep the test's process alive.
    renderer: createPageRenderer({
      limits: { maxPixels: 40_000_000, renderDpi: 300 },
      timeoutMs: 10_000,
      memoryMb: 1024,
      logger: pino({ level: 'silent' }),
    }),
    ...overrides,
  });
  let next = 0;
  return {
    app,
    stores,
    async createTask({ options = { lang: 'eng' } } = {}) {
      const id = `00000000-0000-4000-8000-${String((next += 1)).padStart(12, '0')}`;
      await stores.jobs.create({ id, options, mediaType: 'image/png', createdAt: new Date().toISOString() });
      return id;
    },
    async complete(id, result = {}) {
      await stores.jobs.markProcessing(id);
      await stores.jobs.complete(id, { text: 'Hello', confidence: 90, lang: 'eng', psm: 6, timings: { queuedMs: 1, recognitionMs: 2 }, ...result });
    },
  };
}

export { multipart } from './client.js';
