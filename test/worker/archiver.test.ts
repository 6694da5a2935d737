import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Archive, ArchiveRecord } from '../../src/archive/archive.js';
import { openPgliteClient } from '../../src/archive/pglite-client.js';
import { createSqlArchive } from '../../src/archive/sql-archive.js';
import { createMetrics } from '../../src/metrics.js';
import { createMemoryStores } from '../../src/store/memory/index.js';
import type { Stores } from '../../src/store/stores.js';
import { startArchiver, type Archiver } from '../../src/worker/archiver.js';
import { createOutageGuard } from '../../src/jobs/outage-guard.js';
import { copyEmptyPgliteDatabase } from '../helpers/pglite-template.js';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the archiver, writing completed texts in batches', () => {
  let dir: string;
  let archive: Archive;
  let sequence = 0;
  const archivers: Archiver[] = [];

  beforeAll(async () => {
    dir = await copyEmptyPgliteDatabase(await fs.mkdtemp(path.join(os.tmpdir(), 'archiver-test-')));
    archive = createSqlArchive(openPgliteClient(dir));
    await archive.migrate();
  });

  afterAll(async () => {
    await archive.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await Promise.all(archivers.splice(0).map((archiver) => archiver.stop()));
  });

  /** The real archive, seen through: the batches it was given, and a number of batches to refuse first. */
  const watched = (refuseFirst = 0) => {
    const batches: string[][] = [];
    let refusals = refuseFirst;
    const view: Archive = {
      ...archive,
      async recordAll(records: readonly ArchiveRecord[]) {
        if (refusals > 0) {
          refusals -= 1;
          throw new Error('connection refused');
        }
        batches.push(records.map((record) => record.taskId));
        return archive.recordAll(records);
      },
    };
    return { view, batches };
  };

  const start = (stores: Stores, view: Archive, gatherMs: number) => {
    const metrics = createMetrics();
    const archiver = startArchiver({
      jobs: stores.jobs,
      outbox: stores.outbox,
      archive: view,
      outages: createOutageGuard(),
      logger,
      metrics,
      // Only a completion wakes it in these tests.
      pollMs: 60_000,
      gatherMs,
      backoff: { initialMs: 20, maxMs: 40 },
    });
    archivers.push(archiver);
    return { archiver, metrics };
  };

  /** A task completed with `text`, its id put in the outbox as a worker does; `handOver` gives the archiver its record too. */
  const complete = async (stores: Stores, archiver: Archiver, text: string, { handOver = false } = {}) => {
    sequence += 1;
    const id = `archiver-${process.pid}-${sequence}`;
    await stores.jobs.create({ id, options: { lang: 'eng' }, mediaType: 'image/png', createdAt: new Date().toISOString() });
    await stores.jobs.markProcessing(id);
    await archiver.enqueue(id, logger);
    const completed = await stores.jobs.complete(id, { text, confidence: 90, lang: 'eng', psm: 6, timings: { queuedMs: 1, recognitionMs: 100 } });
    if (handOver) archiver.completed(completed!);
    return id;
  };

  const archivedText = async (id: string) => (await archive.get(id, undefined))?.text;

  it('archives the tasks completed while it gathers in one batch, each text once', async () => {
    const stores = createMemoryStores({ resultTtlSeconds: 600 });
    const { view, batches } = watched();
    const { archiver, metrics } = start(stores, view, 300);
    const ids: string[] = [];
    for (const text of ['alpha invoice', 'beta invoice', 'gamma invoice', 'delta invoice']) ids.push(await complete(stores, archiver, text));
    await expect.poll(() => batches.length, { timeout: 5_000 }).toBe(1);
    expect(batches[0]).toEqual(ids);
    expect(await Promise.all(ids.map(archivedText))).toEqual(['alpha invoice', 'beta invoice', 'gamma invoice', 'delta invoice']);
    expect(await metrics.registry.getSingleMetricAsString('ocr_archive_writes_total')).toContain('ocr_archive_writes_total{outcome="archived"} 4');
    expect(await stores.outbox.list(10)).toEqual([]);
  });

  it('writes what it gathered when it stops, instead of leaving it to an outbox that ends with the process', async () => {
    const stores = createMemoryStores({ resultTtlSeconds: 600 });
    const { view, batches } = watched();
    const { archiver } = start(stores, view, 60_000);
    const ids = [await complete(stores, archiver, 'first of the last'), await complete(stores, archiver, 'second of the last')];
    await archiver.stop();
    expect(batches).toEqual([ids]);
    expect(await Promise.all(ids.map(archivedText))).toEqual(['first of the last', 'second of the last']);
  });

  it('archives the record a job hands over without reading it back, and reads the tasks not handed over', async () => {
    const stores = createMemoryStores({ resultTtlSeconds: 600 });
    const read: string[] = [];
    const counted = { ...stores, jobs: { ...stores.jobs, get: (id: string) => (read.push(id), stores.jobs.get(id)) } };
    const { view, batches } = watched();
    const { archiver } = start(counted, view, 50);
    const handed = await complete(stores, archiver, 'handed over by its job', { handOver: true });
    const other = await complete(stores, archiver, 'completed by another worker');
    await expect.poll(() => batches.flat(), { timeout: 5_000 }).toEqual([handed, other]);
    expect(await Promise.all([handed, other].map(archivedText))).toEqual(['handed over by its job', 'completed by another worker']);
    expect(read).toEqual([other]);
  });

  it('does not archive a handed-over task whose outbox entry was removed with it (a DELETE before the archive)', async () => {
    const stores = createMemoryStores({ resultTtlSeconds: 600 });
    const { view, batches } = watched();
    const { archiver } = start(stores, view, 200);
    const deleted = await complete(stores, archiver, 'deleted while it waited', { handOver: true });
    await stores.jobs.delete(deleted);
    await stores.outbox.remove([deleted]);
    const kept = await complete(stores, archiver, 'kept', { handOver: true });
    await expect.poll(() => batches.flat(), { timeout: 5_000 }).toEqual([kept]);
    expect(await archivedText(deleted)).toBeUndefined();
  });

  it('keeps the entry of a task still processing when it reads the outbox, and archives its text once it completes', async () => {
    const stores = createMemoryStores({ resultTtlSeconds: 600 });
    const { view, batches } = watched();
    const { archiver } = start(stores, view, 20);
    // As a worker does when its store write is held back: the entry first, the result a while later.
    const id = `archiver-${process.pid}-slow-store`;
    await stores.jobs.create({ id, options: { lang: 'eng' }, mediaType: 'image/png', createdAt: new Date().toISOString() });
    await stores.jobs.markProcessing(id);
    await archiver.enqueue(id, logger);
    // Time for the woken archiver to gather and read the outbox while the task is still processing.
    await sleep(200);
    expect(await stores.outbox.list(10)).toEqual([id]);
    await stores.jobs.complete(id, { text: 'stored late', confidence: 90, lang: 'eng', psm: 6, timings: { queuedMs: 1, recognitionMs: 100 } });
    // An idle archiver looks again at its next poll; a later completion wakes it sooner.
    await complete(stores, archiver, 'the next completion');
    await expect.poll(() => archivedText(id), { timeout: 5_000 }).toBe('stored late');
    expect(batches.flat().filter((taskId) => taskId === id)).toEqual([id]);
    expect(await stores.outbox.list(10)).toEqual([]);
  });

  it('tries a refused batch again until the archive takes it, and skips a task deleted meanwhile', async () => {
    const stores = createMemoryStores({ resultTtlSeconds: 600 });
    const { view, batches } = watched(2);
    const { archiver, metrics } = start(stores, view, 50);
    const kept = await complete(stores, archiver, 'kept through the outage');
    const deleted = await complete(stores, archiver, 'deleted before it was archived');
    await stores.jobs.delete(deleted);
    await expect.poll(() => archivedText(kept), { timeout: 5_000 }).toBe('kept through the outage');
    expect(batches).toEqual([[kept]]);
    expect(await archivedText(deleted)).toBeUndefined();
    expect(await metrics.registry.getSingleMetricAsString('ocr_archive_failures_total')).toContain('ocr_archive_failures_total 2');
    expect(await stores.outbox.list(10)).toEqual([]);
  });
});
