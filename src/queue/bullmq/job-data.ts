import type { Job } from 'bullmq';
import type { JobKind, QueuedJob } from '../../job.js';
import { fromEarlierOptions, type EarlierOptions } from '../earlier-jobs.js';

/**
 * What a BullMQ job's JSON carries. The image travels beside it, as a binary Redis value under the job's own key
 * (see image-store.ts): inside the JSON it would be a base64 string a third larger, built, copied and collected on
 * every upload, which took the API more CPU than the rest of the upload together.
 */
export interface JobData extends Omit<QueuedJob, 'id' | 'kind' | 'options'> {
  /** Absent on jobs queued by versions that did not name a job's kind. */
  kind?: JobKind;
  options: EarlierOptions;
  /** The image in base64, as versions before 2026-12 queued it: such jobs are still read after an upgrade. */
  image?: string;
}

/** Where a queue's keys live in Redis: BullMQ's prefix (`<REDIS_KEY_PREFIX>bull`) and the queue's name. */
export interface BullLocation {
  prefix: string;
  name: string;
}

/** The job a BullMQ job stands for, without its image. */
export function toQueuedJob({ id, data }: Job<JobData>): QueuedJob {
  const { image: _inlineImage, kind, options, ...rest } = data;
  // A job without a kind was queued by an earlier version.
  if (kind === undefined) return { id: id!, ...rest, ...fromEarlierOptions(options) };
  return { id: id!, ...rest, kind, options };
}
