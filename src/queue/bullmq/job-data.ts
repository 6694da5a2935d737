import type { Job } from 'bullmq';
import type { OcrOptions, QueuedJob } from '../../job.js';

/**
 * What a BullMQ job's JSON carries. The image travels beside it, as a binary Redis value under the job's own key
 * (see image-store.ts): inside the JSON it would be a base64 string a third larger, built, copied and collected on
 * every upload, which took the API more CPU than the rest of the upload together.
 */
export interface JobData {
  mediaType: string;
  options: OcrOptions;
  /** The image in base64, as versions before 2026-12 queued it: such jobs are still read after an upgrade. */
  image?: string;
}

/** Where a queue's keys live in Redis: BullMQ's prefix (`<REDIS_KEY_PREFIX>bull`) and the queue's name. */
export interface BullLocation {
  prefix: string;
  name: string;
}

/** The job a BullMQ job stands for, without its image. */
export const toQueuedJob = (job: Job<JobData>): QueuedJob => ({ id: job.id!, mediaType: job.data.mediaType, options: job.data.options });
