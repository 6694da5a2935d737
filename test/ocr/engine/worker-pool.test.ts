import { describe, expect, it } from 'vitest';
import { createWorkerPool, type PoolMember } from '../../../src/ocr/engine/worker-pool.js';

interface Member extends PoolMember {
  id: number;
  terminated: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A pool of fake members that take `spawnMs` to start, numbered in the order they were made. */
function setup(maxJobs: number, { spawnMs = 20, overgrown }: { spawnMs?: number; overgrown?: () => boolean } = {}) {
  const made: Member[] = [];
  const recycled: string[] = [];
  const pool = createWorkerPool<Member>(
    'eng',
    1,
    async () => {
      await sleep(spawnMs);
      const member: Member = {
        id: made.length + 1,
        terminated: false,
        terminate: async () => {
          member.terminated = true;
        },
      };
      made.push(member);
      return member;
    },
    { maxJobs, overgrown, onRecycle: (reason) => recycled.push(reason) },
  );
  const runJob = async () => {
    const member = await pool.acquire();
    pool.release(member);
    return member.id;
  };
  return { pool, made, recycled, runJob };
}

describe('the worker pool recycles its members', () => {
  it('replaces a member after its job quota with a fresh one, which then serves the next jobs', async () => {
    const { pool, made, recycled, runJob } = setup(3);
    expect([await runJob(), await runJob(), await runJob()]).toEqual([1, 1, 1]);
    await sleep(60);
    expect(await runJob()).toBe(2);
    expect(made[0]!.terminated).toBe(true);
    expect(made[1]!.terminated).toBe(false);
    expect(recycled).toEqual(['jobs']);
    await pool.close();
  });

  it('keeps the old member serving while its replacement starts, so no job waits for a cold start', async () => {
    const { pool, made, runJob } = setup(1, { spawnMs: 200 });
    await runJob();
    // The replacement takes 200 ms to start; meanwhile the old member still takes the job.
    expect(await runJob()).toBe(1);
    await sleep(450);
    expect(made[0]!.terminated).toBe(true);
    expect(await runJob()).toBe(2);
    await pool.close();
  });

  it('replaces a member that leaves the process overgrown', async () => {
    let rss = 100;
    const { pool, made, recycled, runJob } = setup(1_000, { overgrown: () => rss > 500 });
    await runJob();
    rss = 900;
    await runJob();
    rss = 100;
    await sleep(60);
    expect(await runJob()).toBe(2);
    expect(made[0]!.terminated).toBe(true);
    expect(recycled).toEqual(['memory']);
    await pool.close();
  });

  it('terminates a retired member that was running a job only once that job is done', async () => {
    const { pool, made } = setup(1, { spawnMs: 10 });
    const first = await pool.acquire();
    pool.release(first);
    const busy = await pool.acquire();
    await sleep(50);
    expect(busy.terminated).toBe(false);
    pool.release(busy);
    expect(made[0]!.terminated).toBe(true);
    await pool.close();
  });
});
