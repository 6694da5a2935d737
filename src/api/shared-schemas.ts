/**
 * What several routes share. A schema with an `$id` is registered once (`app.addSchema`, in app.ts) and referenced
 * as `{ $ref: 'Name#' }`: the OpenAPI document at /docs shows it as a named component instead of a copy per route.
 */
import type { Security } from '../http/security.js';

/** What went wrong: the `error` of every error answer, and of a failed task. */
export const errorSchema = {
  $id: 'Error',
  description: 'What went wrong.',
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'Stable SNAKE_CASE code to match on.' },
    message: { type: 'string', description: 'A sentence a person can act on.' },
  },
} as const;

/** Every error answer, referenced as `ErrorBody#`. */
export const errorBodySchema = {
  $id: 'ErrorBody',
  description: 'Every error answer: what went wrong, with a code to match on.',
  type: 'object',
  required: ['error'],
  properties: { error: { $ref: 'Error#' } },
} as const;

/** An error answer, described for the status it is documented under. */
export const errorResponse = (description: string) => ({ $ref: 'ErrorBody#', description });

/** The answer of every operation that takes a key, when API keys are on and the request has none. */
export const unauthorizedResponse = errorResponse('API keys are on and the request has no valid one.');

/** Every operation that touches tasks takes an API key when the server has API_KEYS. */
export const keyRequired: Security = [{ bearer: [] }, { apiKey: [] }];

export const taskIdParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'The task_id returned by POST /upload.' } },
} as const;
