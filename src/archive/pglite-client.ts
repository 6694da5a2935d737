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
 * no server to run. One process only may open a directory.
 */
export async function openPgliteClient(dir: string): Promise<SqlClient> {
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir, { extensions: { unaccent } });
  return {
    ...session(db),
    transaction: (work) => db.transaction((tx) => work(session(tx))),
    close: () => db.close(),
  };
}
