import type { JobRecord } from './job.js';

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

export type JobBody = ReturnType<typeof toJobBody>;
