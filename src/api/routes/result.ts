import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../errors.js';
import type { JobRecord } from '../../job.js';
import type { ResultStore } from '../../store/result-store.js';
import { errorBodySchema, jobBodySchema, taskIdParamsSchema, waitQuerySchema } from '../schemas.js';

export interface ResultRouteDependencies {
  store: ResultStore;
}

/** The public shape of a job: snake_case, as users of the original service know it. */
export function toJobBody(record: JobRecord) {
  return {
    task_id: record.id,
    status: record.status,
    created_at: record.createdAt,
    started_at: record.startedAt ?? null,
    finished_at: record.finishedAt ?? null,
    attempts: record.attempts,
    progress: record.status === 'processing' ? (record.progress ?? 0) : null,
    options: { lang: record.options.lang, psm: record.options.psm ?? null },
    result: record.result
      ? {
          text: record.result.text,
          confidence: record.result.confidence,
          lang: record.result.lang,
          psm: record.result.psm,
          timings: { queued_ms: record.result.timings.queuedMs, recognition_ms: record.result.timings.recognitionMs },
        }
      : null,
    error: record.status === 'failed' && record.error ? record.error : null,
  };
}

const notFound = (id: string) =>
  new AppError('NOT_FOUND', `No task ${JSON.stringify(id)}: it never existed, was deleted, or its result has expired.`);

interface TaskRoute {
  Params: { id: string };
  Querystring: { wait?: number };
}

/** `GET /result/:id` (with `?wait=S`) and `DELETE /result/:id`. */
export const resultRoutes: FastifyPluginAsync<ResultRouteDependencies> = async (app, { store }) => {
  app.get<TaskRoute>(
    '/result/:id',
    {
      schema: {
        summary: "A task's state and, once completed, its text",
        params: taskIdParamsSchema,
        querystring: waitQuerySchema,
        response: { 200: jobBodySchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const waitMs = Math.round((request.query.wait ?? 0) * 1000);
      const record = waitMs > 0 ? await store.waitFor(id, waitMs) : await store.get(id);
      if (!record) throw notFound(id);
      return toJobBody(record);
    },
  );

  app.delete<TaskRoute>(
    '/result/:id',
    {
      schema: {
        summary: 'Delete a task and its result',
        params: taskIdParamsSchema,
        response: { 204: { type: 'null' }, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      if (!(await store.delete(request.params.id))) throw notFound(request.params.id);
      return reply.status(204).send();
    },
  );
};
