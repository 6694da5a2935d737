import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import type { Logger } from 'pino';
import type { LanguageCatalog } from '../ocr/engine/languages.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { Stores } from '../store/stores.js';
import type { ApiKey } from '../api-keys.js';
import type { Archive } from '../archive/archive.js';
import type { PageRenderer } from '../documents/page-renderer.js';
import type { Metrics } from '../metrics.js';
import type { AddressPolicy } from '../webhook/address-policy.js';
import { createAuthenticator } from './authenticate.js';
import { FORMAT_SCHEMAS } from '../formats.js';
import { TASK_SCHEMAS } from './task-schemas.js';
import { errorBodySchema, errorSchema } from './shared-schemas.js';
import { ARCHIVE_SCHEMAS } from './routes/archive.schema.js';
import { MULTIPART_FIELD_BYTES } from './upload-options.js';
import type { HttpTimeouts } from '../config.js';
import { documentLimits } from '../intake/document.js';
import { registerErrorHandling } from '../http/error-handler.js';
import { serverOptions } from '../http/server-options.js';
import { openApi } from './plugins/openapi.js';
import { rateLimit, type RateLimitOptions } from './plugins/rate-limit.js';
import { healthRoutes } from '../http/routes/health.js';
import { metricsRoutes } from '../http/routes/metrics.js';
import { archiveRoutes } from './routes/archive.js';
import { languageRoutes } from './routes/languages.js';
import { resultRoutes } from './routes/result.js';
import { uploadRoutes } from './routes/upload.js';
import { webPageRoutes } from './routes/web-page.js';

export interface AppDependencies {
  queue: JobQueue;
  /** Job records, idempotency keys and the archive outbox; the backend's reachability is a readiness check. */
  stores: Pick<Stores, 'jobs' | 'idempotency' | 'outbox' | 'ping'>;
  catalog: LanguageCatalog;
  logger: Logger;
  maxUploadBytes: number;
  /** Largest accepted image, in pixels (width × height). */
  maxImagePixels: number;
  /** MAX_PAGES: the most pages of a document read in one upload. */
  maxPages: number;
  /** PDF_RENDER_DPI: what the upload's check of a PDF's page sizes assumes. */
  pdfRenderDpi: number;
  /** No keys: the service is open to anyone who reaches it. */
  apiKeys: readonly ApiKey[];
  /** Uploads per window per API key (or per client address when open); counted in Redis when given, so every API instance shares them. */
  rateLimit: RateLimitOptions;
  /** Whether uploads may ask for a callback, and the policy that says where outgoing requests may go. */
  callbacks: { enabled: boolean; addressPolicy: AddressPolicy };
  metrics: Metrics;
  /** How long the server waits for a request's headers, for all of it, and on an idle connection. */
  httpTimeouts: HttpTimeouts;
  /** Serves /search and /archive/:id; absent when ARCHIVE=off. */
  archive?: Archive;
  /** The built web page (`dist/web`), served at `/`; without it the API serves no page. */
  webRoot?: string;
  /** Renders the page images of `GET /result/:id/pages/:page`. */
  renderer: PageRenderer;
}

/** A request id that is safe to echo into logs and headers. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the HTTP API; it does not listen, so tests can use `inject` and main can pick the port. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { queue, stores, catalog, logger, maxUploadBytes, apiKeys, callbacks } = deps;
  // Typed as Fastify's logger, so the instance's type is the one every plugin and route is written for.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    ...serverOptions(deps.httpTimeouts, () => deps.metrics.clientTimeouts.inc()),
    loggerInstance,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    // Keep the id nginx or the client sent, so one id follows a request through every log.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // Only a proxy on this host or a private network (nginx) may say who the client is.
    trustProxy: 'loopback,uniquelocal',
    return503OnClosing: true,
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.httpRequests
      .labels(request.routeOptions.url ?? 'unmatched', request.method, String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
  });

  registerErrorHandling(app);

  await app.register(multipart, {
    limits: { fileSize: maxUploadBytes, files: 1, fields: 10, fieldSize: MULTIPART_FIELD_BYTES, parts: 12, headerPairs: 100 },
  });

  if (apiKeys.length === 0) logger.warn('API_KEYS is not set: the service is open to anyone who can reach it');
  app.decorateRequest('owner', undefined);
  const authenticate = createAuthenticator(apiKeys);

  await app.register(rateLimit, deps.rateLimit);

  await app.register(openApi, { callbacksEnabled: callbacks.enabled, keysEnabled: apiKeys.length > 0 });
  // Once, at the root, so that every route refers to them by $ref and the OpenAPI document names them.
  for (const schema of [errorSchema, errorBodySchema, ...FORMAT_SCHEMAS, ...TASK_SCHEMAS, ...ARCHIVE_SCHEMAS]) app.addSchema(schema);

  await app.register(uploadRoutes, {
    queue,
    jobs: stores.jobs,
    idempotency: stores.idempotency,
    catalog,
    limits: documentLimits(deps),
    authenticate,
    callbacks,
  });
  await app.register(resultRoutes, { jobs: stores.jobs, outbox: stores.outbox, archive: deps.archive, renderer: deps.renderer, authenticate });
  await app.register(archiveRoutes, { archive: deps.archive, authenticate });
  await app.register(languageRoutes, { catalog });
  await app.register(metricsRoutes, { registry: deps.metrics.registry });
  if (deps.webRoot) await app.register(webPageRoutes, { root: deps.webRoot, search: deps.archive !== undefined });
  await app.register(healthRoutes, { readinessChecks: { queue: () => queue.ping(), store: () => stores.ping() } });
  return app;
}
