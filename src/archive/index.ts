import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Archive } from './archive.js';
import { createSqlArchive } from './sql-archive.js';

/** The archive that `ARCHIVE` names, or undefined when it is off; only the database client it names loads. */
export async function createArchive(config: Config['archive'], logger?: Logger): Promise<Archive | undefined> {
  switch (config.kind) {
    case 'off':
      return undefined;
    case 'pglite':
      return createSqlArchive((await import('./pglite-client.js')).openPgliteClient(config.dir));
    case 'postgres':
      return createSqlArchive((await import('./postgres-client.js')).createPostgresClient({ url: config.url, logger }));
  }
}
