import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Archive } from '../../archive/archive.js';
import type { PageRenderer } from '../../documents/page-renderer.js';
import { AppError } from '../../errors.js';
import type { Rendition } from '../../formats.js';
import { toJobBody } from '../../job-body.js';
import type { ArchiveOutbox } from '../../store/archive-outbox.js';
import type { JobRecords } from '../../store/job-records.js';
import { pageImage } from '../page-images.js';
import { renderResult } from '../renditions.js';
import { errorResponse, keyRequired, taskIdParamsSchema, unauthorizedResponse } from '../shared-schemas.js';
import { pageImageParamsSchema, pageImageQuerySchema, pageImageResponseSchema, resultQuerySchema, resultResponseSchema } from './result.schema.js';

export interface ResultRouteDependencies {
  jobs: JobRecords;
  /** Where a deleted task's text may still wait to be archived. */
  outbox: ArchiveOutbox;
  /** Where DELETE also removes the archived text; absent when ARCHIVE=off. */
  archive?: Archive;
  /** Renders the page images of `GET /result/:id/pages/:page`. */
  renderer: PageRenderer;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

const taskNotFound = errorResponse('No such task: never created, deleted, expired, or created with another key.');

const notFound = (id: string) =>
  new AppError('NOT_FOUND', `No task ${JSON.stringify(id)}: it never existed, was deleted, or its result has expired.`);

interface TaskRoute {
  Params: { id: string };
  Querystring: { wait?: number; format?: Rendition | 'json' };
}

interface PageImageRoute {
  Params: { id: string; page: number };
  Querystring: { width?: number };
}

/** `GET /result/:id` (with `?wait=S`), `GET /result/:id/pages/:page` and `DELETE /result/:id`. */
export const resultRoutes: FastifyPluginAsync<ResultRouteDependencies> = async (app, { jobs, outbox, archive, renderer, authenticate }) => {
  /** The job, if it exists and belongs to the caller: another key's job looks exactly like a missing one. */
  const readOwnJob = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const record = await jobs.get(request.params.id);
    if (!record || record.owner !== request.owner) throw notFound(request.params.id);
    return record;
  };

  app.get<TaskRoute>(
    '/result/:id',
    {
      schema: {
        operationId: 'getResult',
        summary: "A task's state and, once completed, its text",
        description: 'With wait=S the request is held up to S seconds until the task ends; with format= a completed task comes as that rendition.',
        security: keyRequired,
        params: taskIdParamsSchema,
        querystring: resultQuerySchema,
        response: {
          200: resultResponseSchema,
          400: errorResponse('wait or format is out of range (INVALID_PARAMETER names the allowed values).'),
          401: unauthorizedResponse,
          404: taskNotFound,
          409: errorResponse(
            'format= on a task that has not completed (NO_RESULT), or for a rendition not asked for at upload (FORMAT_NOT_REQUESTED).',
          ),
        },
      },
      onRequest: authenticate,
    },
    async (request, reply) => {
      const current = await readOwnJob(request);
      const waitMs = Math.round((request.query.wait ?? 0) * 1000);
      const record = await jobs.waitFor(current, waitMs);
      if (!record) throw notFound(current.id);
      const { format = 'json' } = request.query;
      if (format === 'json') return toJobBody(record);
      const { headers, body } = renderResult(record, format);
      return reply.headers(headers).send(body);
    },
  );

  app.get<PageImageRoute>(
    '/result/:id/pages/:page',
    {
      schema: {
        operationId: 'getPageImage',
        summary: 'A page of a completed task, as an image',
        description:
          "The page rendered from the task's searchable PDF (output=pdf at upload), for a preview: at full size, in the pixels its word boxes are measured in; with width=, shrunk to a thumbnail.",
        security: keyRequired,
        params: pageImageParamsSchema,
        querystring: pageImageQuerySchema,
        response: {
          200: pageImageResponseSchema,
          400: errorResponse('page or width is out of range (INVALID_PARAMETER).'),
          401: unauthorizedResponse,
          404: errorResponse('No such task (as for GET /result/{id}), or the task has no such page (NOT_FOUND names its pages).'),
          409: errorResponse('The task has not completed (NO_RESULT), or was not asked for output=pdf (FORMAT_NOT_REQUESTED).'),
          422: errorResponse('The page takes too long or too much memory to render (PAGE_TOO_COMPLEX).'),
        },
      },
      onRequest: authenticate,
    },
    async (request, reply) => {
      const record = await readOwnJob(request);
      const { headers, body } = await pageImage(renderer, record, request.params.page, request.query.width);
      return reply.headers(headers).send(body);
    },
  );

  app.delete<TaskRoute>(
    '/result/:id',
    {
      schema: {
        operationId: 'deleteResult',
        summary: 'Delete a task, its result and its archived text',
        description:
          'Also deletes the archived text, so the task is found by GET /search no more; a task whose result expired is deleted from the archive alone.',
        security: keyRequired,
        params: taskIdParamsSchema,
        response: {
          204: { type: 'null', description: 'Deleted.' },
          401: unauthorizedResponse,
          404: taskNotFound,
          503: errorResponse('The result was deleted but the archive cannot be reached (ARCHIVE_UNAVAILABLE): send the DELETE again later.'),
        },
      },
      onRequest: authenticate,
    },
    async (request, reply) => {
      const { id } = request.params;
      const record = await jobs.get(id);
      if (record && record.owner !== request.owner) throw notFound(id);
      // The result and its outbox entry first: the archiver writes only the tasks the outbox lists, so the text is not
      // archived after this.
      const removed = record ? await jobs.delete(id) : false;
      if (removed) await outbox.remove([id]);
      const archived = (await archive?.delete(id, request.owner)) ?? false;
      if (!removed && !archived) throw notFound(id);
      return reply.status(204).send();
    },
  );
};
