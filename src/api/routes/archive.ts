import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Archive, StoredArchiveRecord } from '../../archive/archive.js';
import { AppError } from '../../errors.js';
import { toOptionsBody } from '../../job-body.js';
import { errorResponse, keyRequired, taskIdParamsSchema, unauthorizedResponse } from '../shared-schemas.js';
import { searchQuerySchema, searchResponseSchema } from './archive.schema.js';

export interface ArchiveRouteDependencies {
  /** Absent when ARCHIVE=off: the routes then answer ARCHIVE_DISABLED. */
  archive?: Archive;
  authenticate: (request: FastifyRequest) => Promise<void>;
}

interface SearchRoute {
  Querystring: { q: string; lang?: string; from?: string; to?: string; media_type?: string; limit: number; cursor?: string };
}

const disabled = errorResponse('The archive is off on this server (ARCHIVE=off): ARCHIVE_DISABLED.');
const unavailable = errorResponse('The archive database cannot be reached now (ARCHIVE_UNAVAILABLE); retry later.');

function toArchiveBody(record: StoredArchiveRecord) {
  return {
    task_id: record.taskId,
    file_name: record.fileName ?? null,
    media_type: record.mediaType,
    size_bytes: record.sizeBytes ?? null,
    lang: record.lang,
    confidence: record.confidence,
    options: toOptionsBody(record.options),
    timings: { queued_ms: record.timings.queuedMs, recognition_ms: record.timings.recognitionMs },
    created_at: record.createdAt,
    finished_at: record.finishedAt,
    archived_at: record.archivedAt,
    text: record.text,
    pages: record.pages,
  };
}

/** `GET /search` and `GET /archive/:id`: the caller's own archived texts, found again after their results expired. */
export const archiveRoutes: FastifyPluginAsync<ArchiveRouteDependencies> = async (app, { archive, authenticate }) => {
  const enabled = (): Archive => {
    if (!archive) throw new AppError('ARCHIVE_DISABLED', 'The archive is off on this server, so there is nothing to search.');
    return archive;
  };

  app.get<SearchRoute>(
    '/search',
    {
      schema: {
        operationId: 'searchArchive',
        summary: 'Search the texts of your completed tasks',
        description:
          'Full-text search over every task the API key completed, ranked, with a highlighted snippet; results that expired from GET /result are still found. Without API keys on the server, over every task uploaded without one.',
        security: keyRequired,
        querystring: searchQuerySchema,
        response: {
          200: searchResponseSchema,
          400: errorResponse('A parameter is out of range or the cursor is not one this server made (INVALID_PARAMETER).'),
          401: unauthorizedResponse,
          501: disabled,
          503: unavailable,
        },
      },
      onRequest: authenticate,
    },
    async (request) => {
      const { q, lang, from, to, media_type: mediaType, limit, cursor } = request.query;
      const page = await enabled().search({ q, owner: request.owner, lang, from, to, mediaType, limit, cursor });
      return {
        results: page.results.map((hit) => ({
          task_id: hit.taskId,
          file_name: hit.fileName ?? null,
          page: hit.page ?? null,
          score: hit.score,
          snippet: hit.snippet,
          created_at: hit.createdAt,
          lang: hit.lang,
          pages: hit.pages,
        })),
        next_cursor: page.nextCursor ?? null,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/archive/:id',
    {
      schema: {
        operationId: 'getArchivedTask',
        summary: "A completed task's archived text and details",
        description: 'Kept after the result expired from GET /result, until DELETE /result/{id} or the retention period removes it.',
        security: keyRequired,
        params: taskIdParamsSchema,
        response: {
          200: { $ref: 'ArchivedTask#', description: 'The archived task.' },
          401: unauthorizedResponse,
          404: errorResponse('No archived task with this id: not completed yet, not archived yet, deleted, purged, or created with another key.'),
          501: disabled,
          503: unavailable,
        },
      },
      onRequest: authenticate,
    },
    async (request) => {
      const record = await enabled().get(request.params.id, request.owner);
      if (!record) throw new AppError('NOT_FOUND', `No archived task ${JSON.stringify(request.params.id)}.`);
      return toArchiveBody(record);
    },
  );
};
