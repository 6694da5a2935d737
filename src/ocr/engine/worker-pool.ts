import { AppError } from '../../errors.js';

/** What a pool needs of its members. */
export interface PoolMember {
  /** Set when the member broke outside a job (its thread died): it is dropped instead of reused. */
  crashed?: boolean;
  terminate(): Promise<unknown>;
}

/** When a healthy member is replaced by a fresh one. */
export interface RecyclePolicy {
  /** Jobs a member runs before it is replaced. */
  maxJobs: number;
  /** Asked after each job: true replaces the member that ran it (the process has grown too large, say). */
  overgrown?: () => boolean;
  /** Told each time a member is replaced. */
  onRecycle?: (reason: 'jobs' | 'memory') => void;
}

/** A fixed-size pool of identical warm members, created on demand and reused. */
export interface WorkerPool<T extends PoolMember> {
  acquire(): Promise<T>;
  release(member: T): void;
  /** Terminates a member that failed or timed out; the pool makes a fresh one when next needed. */
  discard(member: T): void;
  /** True while a member is running a job or being created, or a caller is waiting for one. */
  busy(): boolean;
  close(): Promise<void>;
}

/**
 * Creates a pool of at most `size` members, each made by `spawn` the first time it is needed. A member that has
 * run `recycle.maxJobs` jobs, or that leaves the process overgrown, is replaced: tesseract's WASM heap never shrinks,
 * so only a fresh worker gives its memory back. The old member keeps serving until its replacement is warm, so no
 * job waits for a cold start.
 */
export function createWorkerPool<T extends PoolMember>(
  name: string,
  size: number,
  spawn: () => Promise<T>,
  recycle: RecyclePolicy = { maxJobs: Number.POSITIVE_INFINITY },
): WorkerPool<T> {
  const idle: T[] = [];
  const inUse = new Set<T>();
  const waiting: Array<{ resolve: (member: T) => void; reject: (error: unknown) => void }> = [];
  const jobsRun = new Map<T, number>();
  /** Members whose replacement is being made; they serve on meanwhile, and are dropped when it is ready. */
  const retiring = new Set<T>();
  /** Retired members still running a job: terminated as soon as they finish it. */
  const dropOnRelease = new Set<T>();
  let starting = 0;
  let closed = false;

  const drop = (member: T): void => {
    jobsRun.delete(member);
    void member.terminate().catch(() => undefined);
  };

  const takeIdle = (): T | undefined => {
    for (let member = idle.pop(); member; member = idle.pop()) {
      if (!member.crashed) {
        inUse.add(member);
        return member;
      }
      drop(member);
    }
    return undefined;
  };

  const grow = async (): Promise<T> => {
    starting += 1;
    try {
      const member = await spawn();
      inUse.add(member);
      return member;
    } finally {
      starting -= 1;
    }
  };

  const serveNextWaiter = (): void => {
    const waiter = waiting.shift();
    if (!waiter) return;
    const member = takeIdle();
    if (member) waiter.resolve(member);
    else grow().then(waiter.resolve, waiter.reject);
  };

  const replace = (old: T, reason: 'jobs' | 'memory'): void => {
    retiring.add(old);
    spawn().then(
      (fresh) => {
        retiring.delete(old);
        if (closed) return drop(fresh);
        recycle.onRecycle?.(reason);
        const at = idle.indexOf(old);
        if (at >= 0) {
          idle.splice(at, 1);
          drop(old);
        } else if (inUse.has(old)) {
          dropOnRelease.add(old);
        }
        idle.push(fresh);
        serveNextWaiter();
      },
      // The old member serves on; the next job it runs asks again.
      () => retiring.delete(old),
    );
  };

  return {
    async acquire() {
      const member = takeIdle();
      if (member) return member;
      if (inUse.size + starting < size) return grow();
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    release(member) {
      inUse.delete(member);
      if (member.crashed || dropOnRelease.delete(member)) {
        drop(member);
      } else {
        const jobs = (jobsRun.get(member) ?? 0) + 1;
        jobsRun.set(member, jobs);
        idle.push(member);
        if (!retiring.has(member) && !closed) {
          if (jobs >= recycle.maxJobs) replace(member, 'jobs');
          // One memory replacement at a time: the process shrinks only once the old worker is gone.
          else if (retiring.size === 0 && recycle.overgrown?.()) replace(member, 'memory');
        }
      }
      serveNextWaiter();
    },
    discard(member) {
      inUse.delete(member);
      dropOnRelease.delete(member);
      drop(member);
      serveNextWaiter();
    },
    busy: () => inUse.size + starting + waiting.length > 0,
    async close() {
      closed = true;
      const error = new AppError('WORKER_SHUTDOWN', `The OCR pool for ${name} is closing.`);
      for (const waiter of waiting.splice(0)) waiter.reject(error);
      await Promise.all([...idle.splice(0), ...inUse].map((member) => member.terminate().catch(() => undefined)));
      inUse.clear();
      jobsRun.clear();
    },
  };
}
