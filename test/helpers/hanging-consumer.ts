import type { JobMessage } from '../../src/job.js';
import type { JobQueue } from '../../src/queue/job-queue.js';

/**
 * Consumes with a handler that does `work` for its job and then hangs, as a worker that is about to die
 * before acknowledging. `reached` resolves once the work is done; `release` lets the handler end at last.
 */
export async function consumeThenHang(queue: JobQueue, work: (job: JobMessage) => Promise<void> = async () => undefined) {
  let reachedHang!: () => void;
  let release: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => (reachedHang = resolve));
  await queue.consume(
    async (job) => {
      await work(job);
      reachedHang();
      await new Promise<void>((resolve) => (release = resolve));
    },
    { concurrency: 1 },
  );
  return { reached, release: () => release() };
}
