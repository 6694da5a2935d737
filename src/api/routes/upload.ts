import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../../errors.js';
import type { LanguageCatalog } from '../../ocr/engine/languages.js';
import type { JobQueue } from '../../queue/job-queue.js';
import type { AddressPolicy } from '../../webhook/address-policy.js';
import { fingerprintUpload, readIdempotencyKey, scopeIdempotencyKey } from '../idempotency.js';
import type { IdempotencyKeys } from '../../store/idempotency-keys.js';
import type { JobRecords } from '../../store/job-records.js';
import { checkFileName, fieldTooLong, refuseQueryOptions } from '../upload-options.js';
import type { DocumentLimits } from '../../intake/document.js';
import { checkUpload } from '../check-upload.js';
import { uploadSchema } from './upload.schema.js';

export interface UploadRouteDependencies {
  queue: JobQueue;
  jobs: JobRecords;
  idempotency: IdempotencyKeys;
  catalog: LanguageCatalog;
  /** MAX_IMAGE_PIXELS, MAX_PAGES and PDF_RENDER_DPI, checked before anything is queued. */
  limits: DocumentLimits;
  authenticate: (request: FastifyRequest) => Promise<void>;
  /** Whether uploads may ask for a callback (a signing secret is set), and where callbacks may go. */
  callbacks: { enabled: boolean; addressPolicy: AddressPolicy };
}

interface UploadForm {
  image?: Buffer;
  fileName?: string;
  fields: Record<string, string>;
}

async function readUploadForm(request: FastifyRequest): Promise<UploadForm> {
  const form: UploadForm = { fields: {} };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          throw new AppError('INVALID_MULTIPART', `Unexpected file field "${part.fieldname}": send the image in the field "file".`);
        }
        checkFileName(part.filename);
        form.image = await part.toBuffer();
        form.fileName = part.filename;
      } else {
        // The parser cuts a value at MULTIPART_FIELD_BYTES and says so: a cut value is refused, never used.
        if (part.valueTruncated || part.fieldnameTruncated) throw fieldTooLong(part.fieldname);
        form.fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    // Limits come as coded Fastify errors and are mapped by the error handler; the multipart parser
    // reports a malformed body (no boundary, cut short) with a bare Error, which is the client's fault.
    if (isAppError(error)) throw error;
    // The connection went: the client left, or the server cut an upload that stalled (HTTP_REQUEST_TIMEOUT_MS).
    if (request.raw.destroyed) throw new AppError('INVALID_MULTIPART', 'The upload ended before the form was complete.', { cause: error });
    if ((error as FastifyError).code) throw error;
    throw new AppError('INVALID_MULTIPART', 'The body is not a well-formed multipart/form-data form.', { cause: error });
  }
  return form;
}

async function readCallbackUrl(value: string | undefined, { enabled, addressPolicy }: UploadRouteDependencies['callbacks']) {
  if (value === undefined || value === '') return undefined;
  if (!enabled) throw new AppError('INVALID_CALLBACK_URL', 'Callbacks are off on this server: it has no CALLBACK_SECRET to sign them with.');
  return (await addressPolicy.checkUrl(value)).href;
}

/** `POST /upload`: checks the image or document, records the job as queued, publishes it, answers 202. */
export const uploadRoutes: FastifyPluginAsync<UploadRouteDependencies> = async (
  app,
  { queue, jobs, idempotency, catalog, limits, authenticate, callbacks },
) => {
  app.post<{ Querystring: Record<string, string | undefined> }>(
    '/upload',
    {
      schema: uploadSchema,
      onRequest: authenticate,
      config: { rateLimit: {} },
    },
    async (request, reply) => {
      refuseQueryOptions(request.query);
      const { image, fileName, fields } = await readUploadForm(request);
      if (!image) throw new AppError('MISSING_FILE', 'No image received: send it as multipart/form-data in a field named "file".');
      if (image.length === 0) throw new AppError('EMPTY_FILE', 'The uploaded file is empty.');
      const { kind, mediaType, options } = await checkUpload(image, fields, catalog, limits);
      const callbackUrl = await readCallbackUrl(fields.callback_url, callbacks);
      const idempotencyKey = readIdempotencyKey(request.headers['idempotency-key']);

      const accepted = (taskId: string) => {
        const statusUrl = `/result/${taskId}`;
        return reply.status(202).header('location', statusUrl).send({ task_id: taskId, status: 'queued', status_url: statusUrl });
      };

      let id: string = randomUUID();
      const scopedKey = idempotencyKey === undefined ? undefined : scopeIdempotencyKey(request.owner, idempotencyKey);
      if (scopedKey) {
        const fingerprint = fingerprintUpload(image, { options, callbackUrl });
        const earlier = await idempotency.claim(scopedKey, { taskId: id, fingerprint });
        if (earlier && earlier.fingerprint !== fingerprint) {
          throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different upload; use a new key.');
        }
        if (earlier?.queued) {
          request.log.info({ task_id: earlier.taskId }, 'idempotent retry answered with the first task');
          reply.header('idempotent-replayed', 'true');
          return accepted(earlier.taskId);
        }
        // An earlier try with this key stopped before its job was known to be queued (an outage cut it short, and
        // could not be cleaned up after): finish it, under the same task id, so the retry gets a task that runs.
        if (earlier) id = earlier.taskId;
      }

      const owned = {
        ...(request.owner ? { owner: request.owner } : {}),
        ...(callbackUrl ? { callbackUrl } : {}),
        ...(fileName ? { fileName } : {}),
      };
      try {
        await jobs.create({ id, options, mediaType, createdAt: new Date().toISOString(), sizeBytes: image.length, ...owned });
        await queue.publish({ id, kind, image, mediaType, options });
      } catch (error) {
        // The job never reached the queue: leave no `queued` record that would never finish, and let a retry
        // with the same Idempotency-Key through.
        await jobs.delete(id).catch(() => undefined);
        if (scopedKey) await idempotency.release(scopedKey).catch(() => undefined);
        throw error;
      }
      if (scopedKey) {
        // The job is queued whatever happens here; a retry before this lands publishes it again, which runs once.
        await idempotency
          .confirm(scopedKey)
          .catch((error: unknown) => request.log.warn({ err: error }, 'could not mark the idempotency key as queued'));
      }
      request.log.info({ task_id: id, lang: options.lang, media_type: mediaType, bytes: image.length }, 'job accepted');
      return accepted(id);
    },
  );
};
