import { isTerminal, type JobRecord } from '../../job.js';
import type { JobRecords } from '../job-records.js';
import { copy, type JobTable } from './job-table.js';

/** Job records in the memory backend's table. */
export function createMemoryJobRecords(table: JobTable): JobRecords {
  const timestamp = () => new Date(table.now()).toISOString();

  const finish = (id: string, change: Partial<JobRecord>): JobRecord | undefined => {
    const record = table.readOpen(id);
    if (!record) return undefined;
    const { progress: _dropped, ...rest } = record;
    const finished: JobRecord = { ...rest, ...change, finishedAt: timestamp() };
    table.write(finished);
    return copy(finished);
  };

  return {
    async create(job) {
      const existing = table.read(job.id);
      if (existing) return copy(existing)!;
      const record: JobRecord = { ...job, status: 'queued', attempts: 0 };
      table.write(record);
      return copy(record)!;
    },
    async markProcessing(id) {
      const record = table.readOpen(id);
      if (!record) return undefined;
      const next: JobRecord = { ...record, status: 'processing', attempts: record.attempts + 1, startedAt: timestamp(), progress: 0 };
      table.write(next);
      return copy(next);
    },
    async progress(id, fraction) {
      const record = table.read(id);
      if (record?.status === 'processing') table.write({ ...record, progress: fraction });
    },
    async requeue(id, error) {
      const record = table.readOpen(id);
      if (!record) return;
      const { progress: _dropped, ...rest } = record;
      table.write({ ...rest, status: 'queued', error });
    },
    async complete(id, result) {
      return finish(id, { status: 'completed', result, error: undefined });
    },
    async fail(id, error) {
      return finish(id, { status: 'failed', error });
    },
    async get(id) {
      return copy(table.read(id));
    },
    async delete(id) {
      return table.remove(id);
    },
    async waitFor(given, timeoutMs) {
      if (isTerminal(given.status) || timeoutMs <= 0) return given;
      // The caller's copy may be a moment old: the job may have ended or gone since.
      const current = table.read(given.id);
      if (!current || isTerminal(current.status)) return copy(current);
      return new Promise((resolve) => {
        const stop = table.onceFinished(given.id, (finished) => {
          clearTimeout(timer);
          resolve(copy(finished));
        });
        const timer = setTimeout(() => {
          stop();
          resolve(copy(table.read(given.id)));
        }, timeoutMs);
      });
    },
    async recordCallback(id, delivery) {
      const record = table.read(id);
      if (record) record.callback = delivery;
    },
  };
}
