import { producedFormats, storedRenditions, storedResultFields } from './formats.js';
import type { JobRecord, JobStatus, OcrOptions } from './job.js';

/** Recognition progress, 0 to 1: counted while processing, whole once completed, and none before or after a failure. */
function progressOf({ status, progress }: JobRecord): number | null {
  const byStatus: Record<JobStatus, number | null> = { queued: null, processing: progress ?? 0, completed: 1, failed: null };
  return byStatus[status];
}

/** What the upload asked for, as the task and its archived record both show it. */
export function toOptionsBody(options: OcrOptions) {
  return {
    lang: options.lang,
    psm: options.psm ?? null,
    preprocess: options.preprocess ?? true,
    output: producedFormats(options.outputs ?? []),
  };
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
    progress: progressOf(record),
    options: toOptionsBody(record.options),
    result: record.result
      ? {
          text: record.result.text,
          confidence: record.result.confidence,
          lang: record.result.lang,
          rotation: record.result.rotation ?? 0,
          psm: record.result.psm,
          timings: { queued_ms: record.result.timings.queuedMs, recognition_ms: record.result.timings.recognitionMs },
          ...(record.result.regions && { regions: record.result.regions }),
          ...(record.result.tables && { tables: record.result.tables }),
          ...storedResultFields(record.result),
          ...(record.result.pages && { pages: record.result.pages }),
          ...(record.result.minPageConfidence !== undefined && { min_page_confidence: record.result.minPageConfidence }),
          formats: storedRenditions(record.result),
        }
      : null,
    error: record.status === 'failed' && record.error ? record.error : null,
    callback: record.callback
      ? {
          url: record.callback.url,
          status: record.callback.status,
          attempts: record.callback.attempts,
          last_status: record.callback.lastStatus ?? null,
          last_error: record.callback.lastError ?? null,
          finished_at: record.callback.finishedAt,
        }
      : null,
  };
}
