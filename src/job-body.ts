import type { JobRecord, OcrResult } from './job.js';

/** Renditions `GET /result/:id?format=` serves besides the JSON body, and the result field holding each. */
export const RENDITIONS = ['text', 'hocr', 'tsv', 'pdf'] as const;
export type Rendition = (typeof RENDITIONS)[number];

/** The renditions a completed job can be fetched in: the text always, the others when asked for at upload. */
export function availableRenditions(result: OcrResult): Rendition[] {
  return RENDITIONS.filter((format) => format === 'text' || result[format] !== undefined);
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
    options: {
      lang: record.options.lang,
      psm: record.options.psm ?? null,
      preprocess: record.options.preprocess ?? true,
      outputs: record.options.outputs ?? [],
    },
    result: record.result
      ? {
          text: record.result.text,
          confidence: record.result.confidence,
          lang: record.result.lang,
          psm: record.result.psm,
          timings: { queued_ms: record.result.timings.queuedMs, recognition_ms: record.result.timings.recognitionMs },
          ...(record.result.words && { words: record.result.words }),
          ...(record.result.lines && { lines: record.result.lines }),
          formats: availableRenditions(record.result),
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
