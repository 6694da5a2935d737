import { renderTextImage } from './images.js';
import { logRecords, type RunningService } from './service.js';

export interface UploadStreamOptions {
  apiUrl: string;
  uploads: number;
  /** Uploads in flight at once. */
  concurrency: number;
  /** Runs as upload `index` is about to be sent, without holding up the stream (a failure starts there). */
  atUpload?: { index: number; run: () => Promise<void> };
  /** How long to wait for every accepted upload to end once all were sent. */
  settleTimeoutMs: number;
  /** How long one upload may be refused before the stream fails. */
  acceptWithinMs?: number;
}

export interface UploadStreamFigures {
  accepted: number;
  /** Completed with the text of the image uploaded. */
  completed: number;
  failed: number;
  /** Accepted tasks neither completed nor failed in time, by id. */
  unfinished: string[];
  /** Answers other than 202 (503 while a dependency was away, or no answer), each retried with the same key. */
  refused: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Streams small text images to the API, each retried with the same Idempotency-Key until it is answered 202 (as a
 * client does with 503), then waits for every accepted task to end and counts how each ended.
 */
export async function streamUploads({
  apiUrl,
  uploads,
  concurrency,
  atUpload,
  settleTimeoutMs,
  acceptWithinMs = 30_000,
}: UploadStreamOptions): Promise<UploadStreamFigures> {
  const texts = Array.from({ length: 10 }, (_, i) => `Parcel ${3100 + i * 11}`);
  const images = await Promise.all(texts.map((text) => renderTextImage(text)));
  const accepted = new Map<number, string>();
  let refused = 0;
  let failure: Promise<void> | undefined;

  const uploadOne = async (index: number) => {
    const giveUpAt = Date.now() + acceptWithinMs;
    for (;;) {
      const body = new FormData();
      body.append('file', new Blob([images[index % images.length]!]), 'scan.png');
      const response = await fetch(`${apiUrl}/upload`, { method: 'POST', body, headers: { 'idempotency-key': `stream-${index}` } }).catch(
        () => undefined,
      );
      if (response?.status === 202) {
        accepted.set(index, ((await response.json()) as { task_id: string }).task_id);
        return;
      }
      if (response && response.status !== 503) throw new Error(`upload ${index}: ${response.status} ${await response.text()}`);
      const answer = response ? `${response.status} ${await response.text()}` : 'no answer';
      if (Date.now() > giveUpAt) throw new Error(`upload ${index} still refused after ${acceptWithinMs} ms: ${answer}`);
      refused += 1;
      await sleep(100);
    }
  };

  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < uploads) {
        const index = next;
        next += 1;
        if (atUpload?.index === index) {
          failure = atUpload.run();
          // Awaited once every upload is in; until then its failure must not count as unhandled.
          failure.catch(() => undefined);
        }
        await uploadOne(index);
      }
    }),
  );
  await failure;

  const outcomes = new Map<number, { status: string; result?: { text?: string } }>();
  const pending = () => [...accepted].filter(([index]) => !['completed', 'failed'].includes(outcomes.get(index)?.status ?? ''));
  const deadline = Date.now() + settleTimeoutMs;
  while (pending().length > 0 && Date.now() < deadline) {
    await Promise.all(
      pending()
        .slice(0, 50)
        .map(async ([index, id]) => {
          const response = await fetch(`${apiUrl}/result/${id}?wait=5`).catch(() => undefined);
          if (response?.status === 200) outcomes.set(index, (await response.json()) as { status: string });
          else await response?.body?.cancel();
          // Redis may be failing over: the next round asks again.
          if (response?.status !== 200) await sleep(200);
        }),
    );
  }
  const ended = [...accepted.keys()].map((index) => ({ index, outcome: outcomes.get(index) }));
  return {
    accepted: accepted.size,
    completed: ended.filter(
      ({ index, outcome }) => outcome?.status === 'completed' && String(outcome.result?.text).includes(texts[index % texts.length]!.split(' ')[1]!),
    ).length,
    failed: ended.filter(({ outcome }) => outcome?.status === 'failed').length,
    unfinished: pending().map(([, id]) => id),
    refused,
  };
}

/** Tasks the workers logged as completed more than once, between them. */
export function completedTwice(workers: RunningService[]): number {
  const completions = new Map<string, number>();
  for (const worker of workers) {
    for (const record of logRecords(worker.logs())) {
      if (record.msg === 'job completed') completions.set(String(record.task_id), (completions.get(String(record.task_id)) ?? 0) + 1);
    }
  }
  return [...completions.values()].filter((count) => count > 1).length;
}
