import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError } from '../../errors.js';
import type { BullLocation, JobData } from './job-data.js';

/** How long the image of a publish reported failed is kept, for a job that reached the queue after all. */
const UNPUBLISHED_IMAGE_TTL_SECONDS = 86_400;

/**
 * The images of a queue's jobs, one binary value per job beside the job's hash (`<prefix>:<name>:<id>`), as
 * BullMQ keeps a job's logs and lock. An image lives as long as its job: written before the job is added,
 * deleted once it completed, kept beside a job in the failed set so the job can still be retried from there.
 */
export function createImageStore(connection: Redis, { prefix, name }: BullLocation) {
  const keyOf = (id: string) => `${prefix}:${name}:${id}:image`;
  return {
    /** Stores the image of a job about to be added. */
    async write(id: string, image: Buffer): Promise<void> {
      await connection.set(keyOf(id), image);
    },

    /** Lets the image of a publish reported failed expire: the add may still land, and its job needs the image. */
    async keepForLateJob(id: string): Promise<void> {
      await connection.expire(keyOf(id), UNPUBLISHED_IMAGE_TTL_SECONDS);
    },

    /** The image of a job; throws JOB_LOST when Redis no longer has it, so the job is never run without one. */
    async read(job: Job<JobData>): Promise<Buffer> {
      const image = job.data.image === undefined ? await connection.getBuffer(keyOf(job.id!)) : Buffer.from(job.data.image, 'base64');
      if (!image) throw new AppError('JOB_LOST', "The job's image is no longer in the queue (Redis lost it), so it cannot be read.");
      return image;
    },

    /** Deletes the image of a job that completed. */
    async remove(id: string): Promise<void> {
      await connection.del(keyOf(id));
    },
  };
}

export type ImageStore = ReturnType<typeof createImageStore>;
