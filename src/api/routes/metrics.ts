import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';

/** `GET /metrics` in the Prometheus text format. */
export const metricsRoutes: FastifyPluginAsync<{ registry: Registry }> = async (app, { registry }) => {
  app.get('/metrics', { schema: { summary: 'Prometheus metrics of this process', produces: ['text/plain'] } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
};
