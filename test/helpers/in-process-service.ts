import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { buildApp } from '../../src/api/app.js';
import { createArchive } from '../../src/archive/index.js';
import { loadConfig } from '../../src/config.js';
import { createJobProcessor } from '../../src/jobs/job-processor.js';
import { createOcrRuntime } from '../../src/jobs/ocr-runtime.js';
import { createOutageGuard } from '../../src/jobs/outage-guard.js';
import { createMetrics } from '../../src/metrics.js';
import { disableImageOperationCache } from '../../src/ocr/analysis/preprocess.js';
import { createLanguageCatalog } from '../../src/ocr/engine/languages.js';
import { createJobQueue } from '../../src/queue/index.js';
import { createStores } from '../../src/store/index.js';
import { createAddressPolicy } from '../../src/webhook/address-policy.js';
import { createWebhookSender } from '../../src/webhook/sender.js';
import { startArchiver } from '../../src/worker/archiver.js';
import { startWorker } from '../../src/worker/worker.js';
import { ROOT } from './service.js';

/** Quick retries, so a test of a failing callback receiver waits on the receiver, not on the back-off. */
const CALLBACK_RETRY_BACKOFF = { initialMs: 50, maxMs: 200 };

export interface InProcessService {
  url: string;
  port: number;
  /** Every log line so far, as the process would write them to stdout (pino JSON, one a line). */
  logs(): string;
  /** Finishes the jobs in flight and closes everything, as the process does on SIGTERM. */
  stop(): Promise<void>;
}

/**
 * The service as `MODE=all` runs it (`npm start`), with the same settings from `env`, in this process: the API
 * listening on a free loopback port, and a worker with the real OCR engine on the queue and store the settings
 * name. For tests of what the HTTP API answers, where the process boundary is not what is under test: no process
 * to start, no module graph to load again, no exit code (the shutdown tests run the built service for that).
 */
export async function startInProcessService(env: Record<string, string> = {}): Promise<InProcessService> {
  // The archive is off unless a test asks for it, as with startService: PGlite's default folder would be shared.
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ARCHIVE: 'off', ...env, MODE: 'all' });
  let output = '';
  const logger = pino(
    { level: config.logLevel, base: { service: 'image-ocr-app', mode: config.mode, pid: process.pid } },
    { write: (line: string) => void (output += line) },
  );
  disableImageOperationCache();
  const catalog = createLanguageCatalog();
  const metrics = createMetrics();
  const stores = await createStores(config, logger);
  const queue = await createJobQueue(config, logger);
  const archive = await createArchive(config.archive, logger);
  // As the service: a database that is down at start is no reason not to start; the archive migrates on first use.
  await archive?.migrate().catch((error: unknown) => logger.warn({ err: error }, 'archive not ready at start; it catches up when it is'));
  const ocr = createOcrRuntime(config, catalog, logger);
  const addressPolicy = createAddressPolicy({ allowPrivate: config.callbacks.allowPrivate });
  const { secret } = config.callbacks;
  const webhooks = secret
    ? createWebhookSender({ ...config.callbacks, secret, addressPolicy, retryBackoff: CALLBACK_RETRY_BACKOFF, logger })
    : undefined;
  const outages = createOutageGuard({ logger });
  const archiver = archive ? startArchiver({ jobs: stores.jobs, outbox: stores.outbox, archive, outages, logger, metrics }) : undefined;
  const processor = createJobProcessor({
    jobs: stores.jobs,
    pageAccounting: stores.pages,
    pipeline: ocr.pipeline,
    outages,
    logger,
    webhooks,
    metrics,
    archiver,
    queue,
    renderer: ocr.renderer,
  });
  const worker = await startWorker({
    queue,
    idle: stores.idle,
    engine: ocr.engine,
    outages,
    processor,
    logger,
    concurrency: config.ocr.concurrency,
    preloadLanguageSets: config.ocr.preloadLanguageSets,
    sweep: config.sweep,
  });
  const app = await buildApp({
    queue,
    stores,
    catalog,
    logger,
    ...config.limits,
    metrics,
    httpTimeouts: config.http.timeouts,
    archive,
    apiKeys: config.apiKeys,
    rateLimit: { ...config.rateLimit, ...(config.store.kind === 'redis' ? { redis: config.redis } : {}) },
    callbacks: { enabled: secret !== undefined, addressPolicy },
    // Built by the test run's global set-up, as `npm run build` builds it beside dist/main.js.
    webRoot: path.join(ROOT, 'dist/web'),
  });
  await app.listen({ host: config.http.host, port: config.http.port });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    logs: () => output,
    async stop() {
      // The order of the service's own shutdown: stop taking work, let what is running finish, then close.
      await Promise.all([app.close(), worker.stop()]);
      await ocr.close();
      await webhooks?.close();
      await archiver?.stop();
      await queue.close();
      await stores.close();
      await archive?.close();
    },
  };
}
