import type { Migration } from './migrations/index.js';
import type { SqlClient } from './sql-client.js';

/** Any number for pg_advisory_xact_lock, the same in every process that migrates this database. */
const MIGRATION_LOCK = 0x0c7a_4c41;

/**
 * Applies the migrations not yet recorded in `archive_migrations`, each in its own transaction. An API and
 * its workers may start together: the advisory lock lets one of them migrate while the others wait, then
 * find nothing left to do.
 */
export async function migrate(client: SqlClient, migrations: readonly Migration[]): Promise<number[]> {
  const applied: number[] = [];
  for (const migration of migrations) {
    const ran = await client.transaction(async (session) => {
      await session.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      // Under the lock, so two processes starting on an empty database do not both create it.
      await session.exec(`CREATE TABLE IF NOT EXISTS archive_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const done = await session.query('SELECT 1 FROM archive_migrations WHERE version = $1', [migration.version]);
      if (done.length > 0) return false;
      await session.exec(migration.sql);
      await session.query('INSERT INTO archive_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}
