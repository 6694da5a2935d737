import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Archive } from './archive.js';
import { openPgliteClient } from './pglite-client.js';
import { createPostgresClient } from './postgres-client.js';
import { createSqlArchive } from './sql-archive.js';

/** The archive that `ARCHIVE` names, or undefined when it is off. */
export async function createArchive(config: Config['archive'], logger?: Logger): Promise<Archive | undefined> {
  switch (config.kind) {
    case 'off':
      return undefined;
    case 'pglite':
      return createSqlArchive(await openPgliteClient(config.dir));
    case 'postgres':
      return createSqlArchive(createPostgresClient({ url: config.url, logger }));
  }
}
