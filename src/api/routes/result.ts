import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { toJobBody, type Rendition } from '../../job-body.js';
import type { ResultStore } from '../../store/result-store.js';
import { renderResult } from '../renditions.js';
import { errorBodySchema, jobBodySchema, taskIdParamsSchema, waitQuerySchema } from '../schemas.js';

export interface ResultRouteDependencies {
  store: ResultStore;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

const notFound = (id: string) =>
  new AppError('NOT_FOUND', `No task ${JSON.stringify(id)}: it never existed, was deleted, or its result has expired.`);

interface TaskRoute {
  Params: { id: string };
  Querystring: { wait?: number; format?: Rendition | 'json' };
}

/** `GET /result/:id` (with `?wait=S`) and `DELETE /result/:id`. */
export const resultRoutes: FastifyPluginAsync<ResultRouteDependencies> = async (app, { store, authenticate }) => {
  /** The job, if it exists and belongs to the caller: another key's job looks exactly like a missing one. */
  const readOwnJob = async (request: FastifyRequest<TaskRoute>) => {
    const record = await store.get(request.params.id);
    if (!record || record.owner !== request.owner) throw notFound(request.params.id);
    return record;
  };

  app.get<TaskRoute>(
    '/result/:id',
    {
      schema: {
        summary: "A task's state and, once completed, its text",
        params: taskIdParamsSchema,
        querystring: waitQuerySchema,
        response: { 200: jobBodySchema, 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema },
      },
      onRequest: authenticate,
    },
    async (request, reply) => {
      const current = await readOwnJob(request);
      const waitMs = Math.round((request.query.wait ?? 0) * 1000);
      const record = waitMs > 0 ? await store.waitFor(current.id, waitMs) : current;
      if (!record) throw notFound(current.id);
      const { format = 'json' } = request.query;
      if (format === 'json') return toJobBody(record);
      const { contentType, body } = renderResult(record, format);
      return reply.type(contentType).send(body);
    },
  );

  app.delete<TaskRoute>(
    '/result/:id',
    {
      schema: {
        summary: 'Delete a task and its result',
        params: taskIdParamsSchema,
        response: { 204: { type: 'null' }, 401: errorBodySchema, 404: errorBodySchema },
      },
      onRequest: authenticate,
    },
    async (request, reply) => {
      await readOwnJob(request);
      if (!(await store.delete(request.params.id))) throw notFound(request.params.id);
      return reply.status(204).send();
    },
  );
};
