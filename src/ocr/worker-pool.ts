import { AppError } from '../errors.js';

/** What a pool needs of its members. */
export interface PoolMember {
  /** Set when the member broke outside a job (its thread died): it is dropped instead of reused. */
  crashed?: boolean;
  terminate(): Promise<unknown>;
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

/** Creates a pool of at most `size` members, each made by `spawn` the first time it is needed. */
export function createWorkerPool<T extends PoolMember>(name: string, size: number, spawn: () => Promise<T>): WorkerPool<T> {
  const idle: T[] = [];
  const inUse = new Set<T>();
  const waiting: Array<{ resolve: (member: T) => void; reject: (error: unknown) => void }> = [];
  let starting = 0;

  const takeIdle = (): T | undefined => {
    for (let member = idle.pop(); member; member = idle.pop()) {
      if (!member.crashed) {
        inUse.add(member);
        return member;
      }
      void member.terminate().catch(() => undefined);
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

  return {
    async acquire() {
      const member = takeIdle();
      if (member) return member;
      if (inUse.size + starting < size) return grow();
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    release(member) {
      inUse.delete(member);
      if (member.crashed) void member.terminate().catch(() => undefined);
      else idle.push(member);
      serveNextWaiter();
    },
    discard(member) {
      inUse.delete(member);
      void member.terminate().catch(() => undefined);
      serveNextWaiter();
    },
    busy: () => inUse.size + starting + waiting.length > 0,
    async close() {
      const error = new AppError('WORKER_SHUTDOWN', `The OCR pool for ${name} is closing.`);
      for (const waiter of waiting.splice(0)) waiter.reject(error);
      await Promise.all([...idle.splice(0), ...inUse].map((member) => member.terminate().catch(() => undefined)));
      inUse.clear();
    },
  };
}
