import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openPgliteClient } from '../../src/archive/pglite-client.js';
import { createPostgresClient } from '../../src/archive/postgres-client.js';
import { createSqlArchive } from '../../src/archive/sql-archive.js';
import { createTestDatabase, missingServers, type TestDatabase } from '../helpers/servers.js';
import { describeArchiveContract, type ArchiveBackend } from './archive.contract.js';

let folder: string | undefined;
let database: TestDatabase | undefined;

const backends: ArchiveBackend[] = [
  {
    name: 'pglite',
    create: async () => {
      folder = await fs.mkdtemp(path.join(os.tmpdir(), 'archive-contract-'));
      return createSqlArchive(openPgliteClient(folder));
    },
    cleanup: async () => {
      if (folder) await fs.rm(folder, { recursive: true, force: true });
    },
  },
  {
    name: 'postgres',
    skipReason: await missingServers('postgres'),
    create: async () => {
      database = await createTestDatabase('archive');
      return createSqlArchive(createPostgresClient({ url: database.url }));
    },
    cleanup: async () => database?.drop(),
  },
];

for (const backend of backends) describeArchiveContract(backend);
