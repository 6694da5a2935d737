import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import type { LanguageCatalog } from '../ocr/languages.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { ResultStore } from '../store/result-store.js';
import { registerErrorHandling } from './error-handler.js';
import { healthRoutes } from './routes/health.js';
import { resultRoutes } from './routes/result.js';
import { uploadRoutes } from './routes/upload.js';
import { uploadFormSchema } from './schemas.js';

export interface AppDependencies {
  queue: JobQueue;
  store: ResultStore;
  catalog: LanguageCatalog;
  logger: Logger;
  maxUploadBytes: number;
  /** Largest accepted image, in pixels (width × height). */
  maxImagePixels: number;
}

/** A request id that is safe to echo into logs and headers. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the HTTP API; it does not listen, so tests can use `inject` and main can pick the port. */
export async function buildApp({ queue, store, catalog, logger, maxUploadBytes, maxImagePixels }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    // Keep the id nginx or the client sent, so one id follows a request through every log.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    trustProxy: true,
    return503OnClosing: true,
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  registerErrorHandling(app);

  await app.register(multipart, {
    limits: { fileSize: maxUploadBytes, files: 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 100 },
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'image-ocr-app',
        description: 'Asynchronous OCR: upload an image, get a task id at once, fetch the text when it is ready.',
        version: '0.1.0',
      },
    },
    // Multipart bodies are read as a stream, not validated by a body schema, so the form is described here only.
    transform: ({ schema, url }) => ({
      schema: url === '/upload' && schema ? { ...schema, body: uploadFormSchema } : schema,
      url,
    }),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(uploadRoutes, { queue, store, catalog, maxImagePixels });
  await app.register(resultRoutes, { store });
  await app.register(healthRoutes, { readinessChecks: { queue: () => queue.ping(), store: () => store.ping() } });
  return app;
}
