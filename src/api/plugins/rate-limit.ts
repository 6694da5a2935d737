import fp from 'fastify-plugin';
import fastifyRateLimit from '@fastify/rate-limit';
import { AppError } from '../../errors.js';
import { createRedisConnection, type RedisEndpoint } from '../../redis-connection.js';

export interface RateLimitOptions {
  /** Requests per window per API key (or per client address when the service is open). */
  max: number;
  windowMs: number;
  /** Counted in Redis when given, so every API instance shares the counts. */
  redis?: Pick<RedisEndpoint, 'url' | 'sentinel'> & { keyPrefix: string };
}

/**
 * The rate limit of the routes that ask for it (`config: { rateLimit: {} }`). Registered before the routes,
 * and not encapsulated, so it sees every route of the app; its Redis connection closes with the app.
 */
export const rateLimit = fp<RateLimitOptions>(async (app, { max, windowMs, redis }) => {
  // Fail-fast with short timeouts: a slow Redis must not hold up uploads here.
  const client = redis
    ? createRedisConnection({
        url: redis.url,
        sentinel: redis.sentinel,
        name: `${redis.keyPrefix}rate-limit`,
        mode: 'fail-fast',
        connectTimeoutMs: 1_000,
        commandTimeoutMs: 1_000,
      })
    : undefined;
  if (client) {
    client.on('error', () => undefined);
    app.addHook('onClose', async () => void (await client.quit().catch(() => client.disconnect())));
  }
  await app.register(fastifyRateLimit, {
    global: false,
    // After authentication (onRequest), so a key's requests count against the key wherever they come from.
    hook: 'preHandler',
    max,
    timeWindow: windowMs,
    keyGenerator: (request) => (request.owner ? `key:${request.owner}` : `ip:${request.ip}`),
    ...(client && redis ? { redis: client, nameSpace: `${redis.keyPrefix}rate-limit:` } : {}),
    // A Redis outage must not turn into refused requests here (errors in the rate-limit store are logged and skipped);
    // the result store answers 503 on its own.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `Too many requests: at most ${context.max} per ${context.after}. Retry after ${context.after}.`),
  });
});
