import type { FastifyPluginAsync } from 'fastify';

export interface HealthRouteDependencies {
  /** Each dependency the service needs to take jobs, checked by throwing when it is down. */
  readinessChecks: Record<string, () => Promise<void>>;
}

const readinessBodySchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ready', 'unavailable'] },
    checks: { type: 'object', additionalProperties: { type: 'string', enum: ['ok', 'down'] } },
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;

/** `GET /health` (the process is alive) and `GET /ready` (it can take jobs now). */
export const healthRoutes: FastifyPluginAsync<HealthRouteDependencies> = async (app, { readinessChecks }) => {
  app.get(
    '/health',
    { schema: { summary: 'Liveness', response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/ready',
    { schema: { summary: 'Readiness: are the queue and the store reachable', response: { 200: readinessBodySchema, 503: readinessBodySchema } } },
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
