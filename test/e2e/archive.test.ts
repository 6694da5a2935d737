import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestJson, upload, type UploadFields } from '../helpers/client.js';
import { eventually } from '../helpers/eventually.js';
import { renderTextImage } from '../helpers/images.js';
import { startInProcessService, type InProcessService } from '../helpers/in-process-service.js';
import { createTestDatabase, missingServers, type TestDatabase } from '../helpers/servers.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const ALICE = 'alice-key-0123456789abcdef';
const BOB = 'bob-key-0123456789abcdef';
const KEYS = `alice:${ALICE},bob:${BOB}`;
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

interface ArchiveSetup {
  /** Settings of the service; the same each time it is started. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

async function uploadAsAlice(service: InProcessService, text: string, fields: UploadFields = {}): Promise<string> {
  const accepted = await upload(service.url, await renderTextImage(text), fields, auth(ALICE));
  expect(accepted.status).toBe(202);
  return accepted.body.task_id as string;
}

async function waitCompleted(service: InProcessService, id: string): Promise<void> {
  await eventually(
    async () => (await requestJson(`${service.url}/result/${id}?wait=5`, { headers: auth(ALICE) })).body?.status === 'completed',
    `task ${id} completes`,
    60_000,
  );
}

const search = (service: InProcessService, query: string, key = ALICE) => requestJson(`${service.url}/search?${query}`, { headers: auth(key) });

async function archived(service: InProcessService, id: string): Promise<boolean> {
  return (await requestJson(`${service.url}/archive/${id}`, { headers: auth(ALICE) })).status === 200;
}

/** The archive's promises through the service, for one backend. */
function describeArchiveThroughService(name: string, setUp: () => Promise<ArchiveSetup>, skipReason?: string) {
  describe.skipIf(skipReason !== undefined)(`the archive through the service: ${name}`, () => {
    let setup: ArchiveSetup;
    let service: InProcessService;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      setup = await setUp();
      service = await startInProcessService({ API_KEYS: KEYS, OCR_CONCURRENCY: '1', ...setup.env });
      const texts = { harper: 'The Harper invoice 7731', board: 'Board meeting minutes', lunch: 'Lunch menu for Friday' };
      for (const [key, text] of Object.entries(texts)) ids[key] = await uploadAsAlice(service, text);
      ids.german = await uploadAsAlice(service, 'Sehr geehrte Damen und Herren, anbei die Rechnungen.', { lang: 'deu' });
      for (const id of Object.values(ids)) await waitCompleted(service, id);
      for (const id of Object.values(ids)) await eventually(() => archived(service, id), `task ${id} is archived`, 30_000);
    });

    afterAll(async () => {
      await service?.stop();
      await setup?.cleanup();
    });

    it('finds a task by a word on it, first, with a highlighted snippet', async () => {
      const { status, body } = await search(service, 'q=harper');
      expect(status).toBe(200);
      expect(body.results[0]).toMatchObject({ task_id: ids.harper, lang: 'eng', pages: 1, snippet: expect.stringContaining('<mark>') });
      expect(body.results[0].snippet.toLowerCase()).toContain('<mark>harper</mark>');
      expect(body.next_cursor).toBeNull();
      const record = await requestJson(`${service.url}/archive/${ids.harper}`, { headers: auth(ALICE) });
      expect(record.body).toMatchObject({ task_id: ids.harper, file_name: 'scan.png', media_type: 'image/png', lang: 'eng' });
      expect(record.body.text).toContain('Harper');
      // Named as GET /result names them: options.output, pages[].page.
      expect(record.body.options).toEqual({ lang: 'eng', psm: null, preprocess: true, output: ['text'] });
      expect(record.body.pages).toEqual([{ page: 1, text: record.body.text }]);
    });

    it('finds the German letter by a German word in another form', async () => {
      const { body } = await search(service, `q=${encodeURIComponent('Rechnung')}&lang=deu`);
      expect(body.results.map((hit: { task_id: string }) => hit.task_id)).toEqual([ids.german]);
    });

    it("shows another key nothing of the first key's texts", async () => {
      expect((await search(service, 'q=harper', BOB)).body.results).toEqual([]);
      expect((await requestJson(`${service.url}/archive/${ids.harper}`, { headers: auth(BOB) })).status).toBe(404);
      expect((await requestJson(`${service.url}/search?q=harper`)).status).toBe(401);
    });

    it('still finds it after a restart, and no more once DELETE /result/:id removed it', async () => {
      await service.stop();
      service = await startInProcessService({ API_KEYS: KEYS, OCR_CONCURRENCY: '1', ...setup.env });
      expect((await search(service, 'q=board')).body.results[0]?.task_id).toBe(ids.board);
      expect((await requestJson(`${service.url}/result/${ids.board}`, { method: 'DELETE', headers: auth(ALICE) })).status).toBe(204);
      expect((await search(service, 'q=board')).body.results).toEqual([]);
      expect(await archived(service, ids.board!)).toBe(false);
    });
  });
}

describeArchiveThroughService('embedded (PGlite)', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'archive-e2e-'));
  return { env: { ARCHIVE: 'pglite', ARCHIVE_DIR: dir }, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
});

const noPostgres = await missingServers('postgres');

describeArchiveThroughService(
  'PostgreSQL (ARCHIVE_URL)',
  async () => {
    const database = await createTestDatabase('archive-e2e');
    return { env: { ARCHIVE: 'postgres', ARCHIVE_URL: database.url }, cleanup: () => database.drop() };
  },
  noPostgres,
);

describe.skipIf(noPostgres !== undefined)('the archive through a PostgreSQL outage', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let service: InProcessService;

  beforeAll(async () => {
    database = await createTestDatabase('archive-outage');
    const target = new URL(database.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    const viaProxy = new URL(database.url);
    viaProxy.port = String(proxy.port);
    service = await startInProcessService({ API_KEYS: KEYS, OCR_CONCURRENCY: '1', ARCHIVE: 'postgres', ARCHIVE_URL: viaProxy.toString() });
  });

  afterAll(async () => {
    await service?.stop();
    await proxy?.close();
    await database?.drop();
  });

  it('completes every job while PostgreSQL is unreachable, then archives each text exactly once', async () => {
    const warmUp = await uploadAsAlice(service, 'Before the outage');
    await eventually(() => archived(service, warmUp), 'the first text is archived', 30_000);

    await proxy.cut();
    const during: string[] = [];
    for (const word of ['Alpha', 'Bravo', 'Charlie', 'Delta']) during.push(await uploadAsAlice(service, `Outage text ${word}`));
    for (const id of during) await waitCompleted(service, id);
    expect((await search(service, 'q=outage')).body).toMatchObject({ error: { code: 'ARCHIVE_UNAVAILABLE' } });
    // The archiver gathers completions for a moment before it writes: the outage lasts until it has tried.
    const metricsText = async () => (await fetch(`${service.url}/metrics`)).text();
    await eventually(async () => /ocr_archive_failures_total [1-9]/.test(await metricsText()), 'the archiver tried during the outage', 30_000);

    await proxy.restore();
    for (const id of during) await eventually(() => archived(service, id), `task ${id} is archived after the outage`, 60_000);
    const hits = (await search(service, 'q=outage&limit=50')).body.results.map((hit: { task_id: string }) => hit.task_id);
    expect(hits.sort()).toEqual([warmUp, ...during].sort());

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ task_id: string; n: string }>('SELECT task_id, count(*) AS n FROM archive_texts GROUP BY task_id');
      expect(rows.map((row) => row.task_id).sort()).toEqual([warmUp, ...during].sort());
      expect(rows.every((row) => Number(row.n) === 1)).toBe(true);
    } finally {
      await client.end();
    }
    expect(await metricsText()).toMatch(/ocr_archive_writes_total\{outcome="archived"\} 5/);
  });
});
