import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import { openToAll } from '../security.js';

/** `GET /metrics` in the Prometheus text format. */
export const metricsRoutes: FastifyPluginAsync<{ registry: Registry }> = async (app, { registry }) => {
  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'getMetrics',
        summary: 'Prometheus metrics of this process',
        security: openToAll,
        produces: ['text/plain'],
        response: { 200: { description: 'The metrics in the Prometheus text format.', type: 'string' } },
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
};
