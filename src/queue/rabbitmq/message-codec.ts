import type { ConsumeMessage, Options } from 'amqplib';
import type { ErrorInfo } from '../../errors.js';
import type { DocumentPart, JobKind, JobMessage } from '../../job.js';
import { fromEarlierOptions, type EarlierOptions } from '../earlier-jobs.js';

/** Message headers: everything of the job but the image, which is the body. */
const HEADER = {
  id: 'x-task-id',
  kind: 'x-job-kind',
  part: 'x-document-part',
  mediaType: 'x-media-type',
  options: 'x-ocr-options',
  attempt: 'x-attempt',
  errorCode: 'x-error-code',
  errorMessage: 'x-error-message',
} as const;

/** Where a message goes, under which attempt, and what it carries besides the job. */
export interface Routing {
  queue: string;
  attempt: number;
  headers?: Record<string, string>;
  /** Milliseconds the message may wait in its queue (retry queues only). */
  expiresInMs?: number;
}

/** The persistent message that carries `job` under `routing`. */
export function toMessage(
  job: JobMessage,
  { attempt, headers: extraHeaders = {}, expiresInMs }: Routing,
): { body: Buffer; options: Options.Publish } {
  return {
    body: job.image,
    options: {
      persistent: true,
      ...(expiresInMs !== undefined && { expiration: String(expiresInMs) }),
      contentType: job.mediaType,
      messageId: job.id,
      timestamp: Math.floor(Date.now() / 1000),
      headers: {
        [HEADER.id]: job.id,
        [HEADER.kind]: job.kind,
        ...(job.part && { [HEADER.part]: JSON.stringify(job.part) }),
        [HEADER.mediaType]: job.mediaType,
        [HEADER.options]: JSON.stringify(job.options),
        [HEADER.attempt]: attempt,
        ...extraHeaders,
      },
    },
  };
}

/** The job a delivered message carries, and its attempt (1 when the header is missing or nonsense). */
export function fromMessage(message: ConsumeMessage): { job: JobMessage; attempt: number } {
  const headers = message.properties.headers ?? {};
  const attempt = Number(headers[HEADER.attempt] ?? 1);
  const options = JSON.parse(String(headers[HEADER.options] ?? '{}')) as EarlierOptions;
  return {
    job: {
      id: String(headers[HEADER.id] ?? message.properties.messageId),
      mediaType: String(headers[HEADER.mediaType] ?? message.properties.contentType),
      image: message.content,
      ...(headers[HEADER.kind] === undefined
        ? fromEarlierOptions(options)
        : {
            kind: String(headers[HEADER.kind]) as JobKind,
            options,
            ...(headers[HEADER.part] !== undefined && { part: JSON.parse(String(headers[HEADER.part])) as DocumentPart }),
          }),
    },
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
  };
}

/** The headers that say why a dead letter died, for whoever looks at the dead-letter queue. */
export function errorHeaders({ code, message }: ErrorInfo): Record<string, string> {
  return { [HEADER.errorCode]: code, [HEADER.errorMessage]: message };
}
