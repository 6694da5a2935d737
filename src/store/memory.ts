import { EventEmitter } from 'node:events';
import { isTerminal, type JobRecord, type PageResult } from '../job.js';
import type { IdempotencyClaim, ResultStore } from './result-store.js';

export interface MemoryStoreOptions {
  resultTtlSeconds: number;
  now?: () => number;
}

/** The embedded store for `MODE=all`: jobs in a Map, expired lazily after `resultTtlSeconds`. */
export function createMemoryStore({ resultTtlSeconds, now = Date.now }: MemoryStoreOptions): ResultStore {
  const jobs = new Map<string, { record: JobRecord; expiresAt: number; changedAt: number }>();
  const idempotencyKeys = new Map<string, { claim: IdempotencyClaim; expiresAt: number }>();
  // Insertion order is the outbox's order; a Set also keeps a task added twice (a redelivery) in it once.
  const archiveOutbox = new Set<string>();
  const documents = new Map<string, { total: number; pages: Map<number, PageResult> }>();
  const finished = new EventEmitter();
  finished.setMaxListeners(0);
  const ttlMs = resultTtlSeconds * 1000;

  const read = (id: string): JobRecord | undefined => {
    const entry = jobs.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      jobs.delete(id);
      return undefined;
    }
    return entry.record;
  };

  const write = (record: JobRecord): void => {
    jobs.set(record.id, { record, expiresAt: now() + ttlMs, changedAt: now() });
    if (isTerminal(record.status)) finished.emit(record.id, record);
  };

  const copy = (record: JobRecord | undefined): JobRecord | undefined => (record ? structuredClone(record) : undefined);

  const finish = (id: string, change: Partial<JobRecord>): boolean => {
    const record = read(id);
    if (!record || isTerminal(record.status)) return false;
    const { progress: _dropped, ...rest } = record;
    write({ ...rest, ...change, finishedAt: new Date(now()).toISOString() });
    return true;
  };

  return {
    async create(job) {
      const existing = read(job.id);
      if (existing) return copy(existing)!;
      const record: JobRecord = { ...job, status: 'queued', attempts: 0 };
      write(record);
      return copy(record)!;
    },
    async markProcessing(id) {
      const record = read(id);
      if (!record || isTerminal(record.status)) return undefined;
      const next: JobRecord = {
        ...record,
        status: 'processing',
        attempts: record.attempts + 1,
        startedAt: new Date(now()).toISOString(),
        progress: 0,
      };
      write(next);
      return copy(next);
    },
    async progress(id, fraction) {
      const record = read(id);
      if (record?.status === 'processing') write({ ...record, progress: fraction });
    },
    async requeue(id, error) {
      const record = read(id);
      if (!record || isTerminal(record.status)) return;
      const { progress: _dropped, ...rest } = record;
      write({ ...rest, status: 'queued', error });
    },
    async complete(id, result) {
      return finish(id, { status: 'completed', result, error: undefined });
    },
    async fail(id, error) {
      return finish(id, { status: 'failed', error });
    },
    async get(id) {
      return copy(read(id));
    },
    async listIdle(idleForMs, limit) {
      const idle = [...jobs.values()]
        .filter(({ record, changedAt }) => !isTerminal(record.status) && changedAt <= now() - idleForMs && read(record.id))
        .sort((a, b) => a.changedAt - b.changedAt);
      return idle.slice(0, limit).map(({ record }) => copy(record)!);
    },
    async delete(id) {
      const existed = read(id) !== undefined;
      jobs.delete(id);
      documents.delete(id);
      return existed;
    },
    async waitFor(id, timeoutMs) {
      const record = read(id);
      if (!record || isTerminal(record.status) || timeoutMs <= 0) return copy(record);
      return new Promise((resolve) => {
        const onFinished = (done: JobRecord) => {
          clearTimeout(timer);
          resolve(copy(done));
        };
        const timer = setTimeout(() => {
          finished.off(id, onFinished);
          resolve(copy(read(id)));
        }, timeoutMs);
        finished.once(id, onFinished);
      });
    },
    async recordCallback(id, delivery) {
      const record = read(id);
      if (record) record.callback = delivery;
    },
    async claimIdempotencyKey(key, claim) {
      const existing = idempotencyKeys.get(key);
      if (existing && existing.expiresAt > now()) return { ...existing.claim };
      idempotencyKeys.set(key, { claim: { ...claim }, expiresAt: now() + ttlMs });
      return undefined;
    },
    async releaseIdempotencyKey(key) {
      idempotencyKeys.delete(key);
    },
    async confirmIdempotencyKey(key) {
      const entry = idempotencyKeys.get(key);
      if (entry) entry.claim.queued = true;
    },
    async addToArchiveOutbox(id) {
      archiveOutbox.add(id);
    },
    async listArchiveOutbox(limit) {
      return [...archiveOutbox].slice(0, limit);
    },
    async removeFromArchiveOutbox(ids) {
      for (const id of ids) archiveOutbox.delete(id);
    },
    async beginDocument(id, pageCount) {
      const record = read(id);
      if (record && !isTerminal(record.status) && !documents.has(id)) documents.set(id, { total: pageCount, pages: new Map() });
    },
    async recordPage(id, page) {
      const record = read(id);
      const document = documents.get(id);
      if (!record || isTerminal(record.status) || !document) return undefined;
      if (!document.pages.has(page.page)) document.pages.set(page.page, structuredClone(page));
      const done = document.pages.size;
      write({ ...record, progress: Math.round((done / document.total) * 100) / 100 });
      return { done, total: document.total };
    },
    async listPages(id) {
      return [...(documents.get(id)?.pages.values() ?? [])].map((page) => structuredClone(page));
    },
    async discardPages(id) {
      documents.delete(id);
    },
    async ping() {},
    async close() {
      jobs.clear();
      documents.clear();
      idempotencyKeys.clear();
      archiveOutbox.clear();
      finished.removeAllListeners();
    },
  };
}
