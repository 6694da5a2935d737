import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HttpTimeouts } from '../config.js';
import { registerErrorHandling } from '../http/error-handler.js';
import { serverOptions } from '../http/server-options.js';
import { healthRoutes, type HealthRouteDependencies } from '../http/routes/health.js';
import { metricsRoutes } from '../http/routes/metrics.js';
import type { Metrics } from '../metrics.js';

export interface HealthServerOptions extends HealthRouteDependencies {
  host: string;
  port: number;
  logger: Logger;
  metrics: Metrics;
  timeouts: HttpTimeouts;
}

/**
 * `GET /health` and `GET /ready` of a worker process, on its own port (`WORKER_HEALTH_PORT`), so an
 * orchestrator can check and restart workers, which serve no API.
 */
export async function startHealthServer({ host, port, logger, readinessChecks, metrics, timeouts }: HealthServerOptions): Promise<FastifyInstance> {
  // Typed as Fastify's logger, so the instance's type is the one the shared routes are written for.
  const loggerInstance: FastifyBaseLogger = logger.child({ server: 'worker-health' });
  const app = Fastify({
    ...serverOptions(timeouts, () => metrics.clientTimeouts.inc()),
    loggerInstance,
    // An orchestrator asks every few seconds: those requests are not worth a log line each.
    logController: new LogController({ disableRequestLogging: true }),
  });
  registerErrorHandling(app);
  await app.register(healthRoutes, { readinessChecks });
  await app.register(metricsRoutes, { registry: metrics.registry });
  await app.listen({ host, port });
  logger.info({ port }, 'worker health checks listening');
  return app;
}
