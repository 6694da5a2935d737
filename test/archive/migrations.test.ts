import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/archive/migrate.js';
import { MIGRATIONS } from '../../src/archive/migrations/index.js';
import { openPgliteClient } from '../../src/archive/pglite-client.js';
import type { SqlClient } from '../../src/archive/sql-client.js';
import { createSqlArchive } from '../../src/archive/sql-archive.js';
import { copyEmptyPgliteDatabase } from '../helpers/pglite-template.js';

describe('the archive migrations', () => {
  let folder: string;
  let client: SqlClient;

  beforeAll(async () => {
    folder = await copyEmptyPgliteDatabase(await fs.mkdtemp(path.join(os.tmpdir(), 'archive-migrations-')));
    client = openPgliteClient(folder);
  });

  afterAll(async () => {
    await client?.close();
    await fs.rm(folder, { recursive: true, force: true });
  });

  it('numbers the pages of records archived before by `page`, as a task numbers them, in their order', async () => {
    await migrate(client, MIGRATIONS.slice(0, 1));
    await client.query(
      `INSERT INTO archive_texts (task_id, media_type, lang, confidence, options, timings, created_at, finished_at, text, pages, ts_config, search)
       VALUES ('old', 'application/pdf', 'eng', 90, '{"lang":"eng"}', '{"queuedMs":1,"recognitionMs":2}', now(), now(), 'one\ftwo',
         '[{"number":3,"text":"one"},{"number":1,"text":"two"}]', 'archive_english', to_tsvector('one two'))`,
    );
    const archive = createSqlArchive(client);
    await archive.migrate();
    expect((await archive.get('old', undefined))?.pages).toEqual([
      { page: 3, text: 'one' },
      { page: 1, text: 'two' },
    ]);
  });
});
