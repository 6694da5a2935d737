import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './api/app.js';
import { createArchive } from './archive/index.js';
import type { Config } from './config.js';
import { createPageRenderer } from './documents/page-renderer.js';
import { documentLimits } from './intake/document.js';
import { createJobProcessor } from './jobs/job-processor.js';
import { createOcrRuntime } from './jobs/ocr-runtime.js';
import { createOutageGuard } from './jobs/outage-guard.js';
import type { Metrics } from './metrics.js';
import type { LanguageCatalog } from './ocr/engine/languages.js';
import { disableImageOperationCache } from './ocr/analysis/preprocess.js';
import { createJobQueue } from './queue/index.js';
import { createStores } from './store/index.js';
import { createAddressPolicy } from './webhook/address-policy.js';
import { createWebhookSender } from './webhook/sender.js';
import { startArchiveRetention } from './worker/archive-retention.js';
import { startArchiver } from './worker/archiver.js';
import { startHealthServer } from './worker/health-server.js';
import { startWorker } from './worker/worker.js';

/**
 * Waits between callback attempts: about 1 s, 2 s, 4 s, … (jittered). The cap keeps the last of up to
 * CALLBACK_MAX_ATTEMPTS (20) within minutes of the job, where plain doubling would reach days.
 */
const CALLBACK_RETRY_BACKOFF = { initialMs: 1_000, maxMs: 30_000 };

export interface ServiceDependencies {
  config: Config;
  catalog: LanguageCatalog;
  logger: Logger;
  metrics: Metrics;
  /** The built web page's folder. */
  webRoot: string;
  /** Waits between callback attempts; the service's own unless a test needs them short. */
  callbackRetryBackoff?: { initialMs: number; maxMs: number };
}

export interface RunningService {
  /** The API, listening, when MODE runs one. */
  app?: FastifyInstance;
  /** Stops taking requests and jobs, finishes what is in flight, and closes everything, in that order. */
  stop(): Promise<void>;
}

/**
 * Builds and starts what MODE asks for, from the parsed config: the stores, the queue and the archive; for a worker
 * the OCR runtime, the job path, the archiver and the consume loop; for an API the app, listening. The one place the
 * service is put together, for the process (main.ts) and for tests that run it in theirs.
 */
export async function startService({
  config,
  catalog,
  logger,
  metrics,
  webRoot,
  callbackRetryBackoff = CALLBACK_RETRY_BACKOFF,
}: ServiceDependencies): Promise<RunningService> {
  disableImageOperationCache();
  const stores = await createStores(config, logger);
  const queue = await createJobQueue(config, logger);
  const archive = await createArchive(config.archive, logger);
  if (!archive) logger.warn('the archive is off (ARCHIVE=off, or separate processes without ARCHIVE_URL): completed texts are not kept for /search');
  // The archive migrates while the rest starts, and on its first use if it could not now: a database that is down
  // (or still opening) is no reason to hold up the start.
  archive?.migrate().catch((error: unknown) => logger.warn({ err: error }, 'archive not ready at start; it catches up when it is'));
  const runsApi = config.mode !== 'worker';
  const runsWorker = config.mode !== 'api';

  const ocr = runsWorker ? createOcrRuntime(config, catalog, logger) : undefined;
  // The API renders page images in the worker's render thread, or without a worker in one of its own (started at the first).
  const apiRenderer = runsApi && !ocr ? createPageRenderer({ limits: documentLimits(config.limits), ...config.render, logger }) : undefined;
  const renderer = ocr?.renderer ?? apiRenderer;
  // Every outgoing request (today, the callbacks) connects only where this one policy allows.
  const addressPolicy = createAddressPolicy({ allowPrivate: config.callbacks.allowPrivate });
  const webhooks =
    runsWorker && config.callbacks.secret
      ? createWebhookSender({
          ...config.callbacks,
          secret: config.callbacks.secret,
          addressPolicy,
          retryBackoff: callbackRetryBackoff,
          logger,
        })
      : undefined;
  const outages = createOutageGuard({ logger });
  const archiver = ocr && archive ? startArchiver({ jobs: stores.jobs, outbox: stores.outbox, archive, outages, logger, metrics }) : undefined;
  const { retentionDays } = config.archive;
  const stopRetention = ocr && archive && retentionDays !== undefined ? startArchiveRetention({ archive, days: retentionDays, logger }) : undefined;
  // The API answers while the worker warms its OCR up: a job uploaded meanwhile waits in the queue, as any does.
  const startingWorker = ocr
    ? startWorker({
        queue,
        idle: stores.idle,
        engine: ocr.engine,
        outages,
        processor: createJobProcessor({
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
        }),
        logger,
        concurrency: config.ocr.concurrency,
        preloadLanguageSets: config.ocr.preloadLanguageSets,
        sweep: config.sweep,
      })
    : undefined;

  // A worker process serves no API, so it answers its health checks on a port of its own.
  const healthServer =
    config.mode === 'worker'
      ? await startHealthServer({
          host: config.http.host,
          port: config.workerHealthPort,
          logger,
          metrics,
          timeouts: config.http.timeouts,
          readinessChecks: { queue: () => queue.ping(), store: () => stores.ping() },
        })
      : undefined;

  const startingApp =
    runsApi && renderer
      ? buildApp({
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
          callbacks: { enabled: config.callbacks.secret !== undefined, addressPolicy },
          webRoot,
          renderer,
        })
      : undefined;
  const listening = startingApp?.then(async (built) => {
    await built.listen({ port: config.http.port, host: config.http.host });
    return built;
  });
  const [worker, app] = await Promise.all([startingWorker, listening]);

  return {
    app,
    async stop() {
      // Stop taking requests and jobs at the same time; each waits for what it already has.
      await Promise.all([app?.close(), worker?.stop()]);
      await Promise.all([ocr?.close(), apiRenderer?.close()]);
      await webhooks?.close();
      await Promise.all([archiver?.stop(), stopRetention?.()]);
      await queue.close();
      await stores.close();
      await archive?.close();
      await healthServer?.close();
    },
  };
}
