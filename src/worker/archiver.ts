import type { Logger } from 'pino';
import type { Archive, ArchiveRecord } from '../archive/archive.js';
import { backoffDelay, sleep, type Backoff } from '../backoff.js';
import { isTerminal, type JobRecord } from '../job.js';
import type { Metrics } from '../metrics.js';
import type { ArchiveOutbox } from '../store/archive-outbox.js';
import type { JobRecords } from '../store/job-records.js';
import type { OutageGuard } from '../jobs/outage-guard.js';

export interface ArchiverOptions {
  jobs: JobRecords;
  outbox: ArchiveOutbox;
  archive: Archive;
  /** Holds the outbox write of a finishing job through an outage of the store, as the job's other writes are. */
  outages: OutageGuard;
  logger: Logger;
  metrics: Metrics;
  /** Tasks read from the outbox at a time. */
  batchSize?: number;
  /** How often an idle archiver looks at the outbox: entries of other workers and of processes that died. */
  pollMs?: number;
  /**
   * How long a woken archiver waits for more completed tasks before it writes, so that a busy worker archives them
   * a batch at a time in one transaction instead of one by one between its jobs.
   */
  gatherMs?: number;
  /** Waits between tries while the archive or the store cannot be reached. */
  backoff?: Backoff;
}

export interface Archiver {
  /**
   * Puts a task in the outbox and wakes the archiver. The only call on a job's path, made before the result
   * is stored, so that no crash can leave a completed task out of the outbox; an entry whose task does not
   * complete after all is dropped when it is read.
   */
  enqueue(id: string, log: Logger): Promise<void>;
  /**
   * Hands over the record a job of this process has just completed, so that its text is archived as written rather
   * than read back from the store. Tasks not handed over (other workers', those of a process that stopped) are read.
   */
  completed(record: JobRecord): void;
  /**
   * Stops after the batch in hand and one more of the tasks completed since; what is left stays in the outbox for
   * the next start. Idempotent.
   */
  stop(): Promise<void>;
}

/** Half a second of texts goes to the archive in one transaction; search sees a text that much later. */
const DEFAULT_GATHER_MS = 500;

/** The archive's record of a completed task, or undefined when the task has no result to keep. */
function toArchiveRecord(task: JobRecord | undefined): ArchiveRecord | undefined {
  const result = task?.result;
  if (task?.status !== 'completed' || !result || !task.finishedAt) return undefined;
  return {
    taskId: task.id,
    ...(task.owner !== undefined && { owner: task.owner }),
    ...(task.fileName !== undefined && { fileName: task.fileName }),
    ...(task.sizeBytes !== undefined && { sizeBytes: task.sizeBytes }),
    mediaType: task.mediaType,
    lang: result.lang,
    confidence: result.confidence,
    options: task.options,
    timings: result.timings,
    createdAt: task.createdAt,
    finishedAt: task.finishedAt,
    text: result.text,
    // A document keeps its pages as numbered in the original; an image is one page.
    pages: result.pages?.map(({ page, text }) => ({ page, text })) ?? [{ page: 1, text: result.text }],
  };
}

/**
 * Writes completed tasks to the archive off the OCR path. Jobs only add their id to the outbox in the result
 * store; this loop reads it oldest first, writes each task (a task written before is not written again) and
 * only then removes it. While the archive or the store cannot be reached it waits with back-off and tries the
 * same batch again, so an outage delays texts but never loses one; any worker drains any worker's entries.
 */
export function startArchiver(options: ArchiverOptions): Archiver {
  const {
    jobs,
    outbox,
    archive,
    outages,
    logger,
    metrics,
    batchSize = 50,
    pollMs = 1_000,
    gatherMs = DEFAULT_GATHER_MS,
    backoff = { initialMs: 500, maxMs: 30_000 },
  } = options;
  const stopped = new AbortController();
  let wake = new AbortController();
  // Bounded, so that an archive outage holds texts in the outbox rather than in this process's memory.
  const handed = new Map<string, JobRecord>();
  const maxHanded = batchSize * 2;

  /** Archives one batch; answers how many entries it took off the outbox. */
  const drainBatch = async (): Promise<number> => {
    const handedBefore = [...handed.keys()];
    const ids = await outbox.list(batchSize);
    const ended: string[] = [];
    const records: ArchiveRecord[] = [];
    for (const id of ids) {
      const task = handed.get(id) ?? (await jobs.get(id));
      // Its job put it in the outbox before storing the result, which may not have landed yet (a slow or held store
      // write): the entry stays until the task has ended, and is read again then.
      if (task && !isTerminal(task.status)) continue;
      ended.push(id);
      const record = toArchiveRecord(task);
      // Deleted, expired or failed.
      if (record) records.push(record);
      else metrics.archiveWrites.labels('gone').inc();
    }
    const written = records.length > 0 ? await archive.recordAll(records) : [];
    records.forEach((record, i) => {
      metrics.archiveWrites.labels(written[i] ? 'archived' : 'duplicate').inc();
      if (written[i]) metrics.archiveLagSeconds.observe(Math.max(0, Date.now() - Date.parse(record.finishedAt)) / 1000);
    });
    await outbox.remove(ended);
    for (const id of ended) handed.delete(id);
    // The whole outbox was read: a record handed over before that but not listed lost its entry (its task was
    // deleted), and is not to be archived.
    if (ids.length < batchSize) for (const id of handedBefore) if (!ids.includes(id)) handed.delete(id);
    return ended.length;
  };

  const run = async () => {
    let failures = 0;
    while (!stopped.signal.aborted) {
      // A task put in the outbox from here on wakes the next round.
      wake = new AbortController();
      try {
        const taken = await drainBatch();
        if (failures > 0) logger.info('archive reachable again; catching up');
        failures = 0;
        if (taken === batchSize) continue;
        await sleep(pollMs, AbortSignal.any([stopped.signal, wake.signal]));
        if (wake.signal.aborted) await sleep(gatherMs, stopped.signal);
      } catch (error) {
        failures += 1;
        metrics.archiveFailures.inc();
        const delay = backoffDelay(failures, backoff);
        if (failures === 1) logger.warn({ err: error }, 'could not archive completed tasks; they wait in the outbox');
        else logger.debug({ err: error, retry_in_ms: delay }, 'archive still unreachable');
        await sleep(delay, stopped.signal);
      }
    }
    // Tasks completed while it gathered are written before it stops: the in-process store's outbox ends with the process.
    if (failures === 0 && wake.signal.aborted) {
      await drainBatch().catch((error: unknown) =>
        logger.warn({ err: error }, 'could not archive the last completed tasks; they wait in the outbox'),
      );
    }
  };

  const running = run();
  let stopping: Promise<void> | undefined;
  return {
    async enqueue(id, log) {
      await outages.retry(() => outbox.add(id), log);
      wake.abort();
    },
    completed(record) {
      if (handed.size < maxHanded) handed.set(record.id, record);
    },
    stop() {
      stopped.abort();
      stopping ??= running;
      return stopping;
    },
  };
}
