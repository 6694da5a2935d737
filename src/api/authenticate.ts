import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { identifyApiKey, presentedApiKey, type ApiKey } from './api-keys.js';

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
