import type { FastifyPluginAsync } from 'fastify';
import { openToAll } from '../security.js';

export interface HealthRouteDependencies {
  /** Each dependency the service needs to take jobs, checked by throwing when it is down. */
  readinessChecks: Record<string, () => Promise<void>>;
}

const readinessBodySchema = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ready', 'unavailable'] },
    checks: { type: 'object', additionalProperties: { type: 'string', enum: ['ok', 'down'] } },
    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;

/** `GET /health` (the process is alive) and `GET /ready` (it can take jobs now). */
export const healthRoutes: FastifyPluginAsync<HealthRouteDependencies> = async (app, { readinessChecks }) => {
  app.get(
    '/health',
    {
      schema: {
        operationId: 'getHealth',
        summary: 'Liveness: the process is up',
        security: openToAll,
        response: { 200: { description: 'Alive.', type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/ready',
    {
      schema: {
        operationId: 'getReadiness',
        summary: 'Readiness: are the queue and the store reachable',
        security: openToAll,
        response: {
          200: { ...readinessBodySchema, description: 'Ready: every dependency answers.' },
          503: { ...readinessBodySchema, description: 'Not ready: checks names the dependency that is down (error.code NOT_READY).' },
        },
      },
    },
    async (request, reply) => {
      const names = Object.keys(readinessChecks);
      const outcomes = await Promise.allSettled(names.map((name) => readinessChecks[name]!()));
      const checks = Object.fromEntries(names.map((name, index) => [name, outcomes[index]!.status === 'fulfilled' ? 'ok' : 'down']));
      const down = names.filter((name) => checks[name] === 'down');
      if (down.length === 0) return { status: 'ready', checks };
      request.log.warn({ down }, 'not ready');
      return reply.status(503).send({
        status: 'unavailable',
        checks,
        error: { code: 'NOT_READY', message: `Unavailable: ${down.join(' and ')} cannot be reached.` },
      });
    },
  );
};
