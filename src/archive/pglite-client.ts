import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import type { SqlClient, SqlSession } from './sql-client.js';

const session = (db: PGlite | Transaction): SqlSession => ({
  async query<Row>(text: string, params?: unknown[]) {
    return (await db.query<Row>(text, params)).rows;
  },
  async exec(text: string) {
    await db.exec(text);
  },
});

/**
 * PostgreSQL compiled to WebAssembly, in this process, its data under `dir`: the archive of `npm start`, with
 * no server to run. One process only may open a directory. The database opens in the background: the client is
 * there at once and its first statements wait for the opening, so a start does not wait on PostgreSQL's own; a
 * failure to open shows on those statements.
 */
export function openPgliteClient(dir: string): SqlClient {
  const opening = mkdir(dir, { recursive: true }).then(() => PGlite.create(dir, { extensions: { unaccent } }));
  opening.catch(() => undefined);
  return {
    query: async <Row>(text: string, params?: unknown[]) => session(await opening).query<Row>(text, params),
    exec: async (text) => session(await opening).exec(text),
    transaction: async (work) => (await opening).transaction((tx) => work(session(tx))),
    close: async () => (await opening).close(),
  };
}
