import type { FastifyRequest } from 'fastify';
import { identifyApiKey, type ApiKey } from '../api-keys.js';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Name of the API key the request came with; undefined while the service runs without keys. */
    owner?: string;
  }
}

/**
 * An onRequest hook for the routes that touch jobs. With no keys configured every request passes
 * (the service is open); otherwise the key must be one of them, and its name becomes `request.owner`.
 */
export function createAuthenticator(keys: readonly ApiKey[]): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    if (keys.length === 0) return;
    const presented = presentedApiKey(request.headers);
    if (!presented) {
      throw new AppError('UNAUTHORIZED', 'An API key is required: send "Authorization: Bearer <key>" or "X-API-Key: <key>".');
    }
    const owner = identifyApiKey(keys, presented);
    if (!owner) throw new AppError('UNAUTHORIZED', 'The API key is not valid.');
    request.owner = owner;
  };
}

/** The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedApiKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (bearer) return bearer[1];
  }
  const header = headers['x-api-key'];
  return typeof header === 'string' && header.length > 0 ? header.trim() : undefined;
}
