import pg from 'pg';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { SqlClient, SqlSession } from './sql-client.js';

export interface PostgresClientOptions {
  url: string;
  logger?: Logger;
  /** Connections at most; the archive writes one record at a time, so a few are plenty. */
  maxConnections?: number;
  /** A connection attempt or a statement without an answer after this long fails with ARCHIVE_UNAVAILABLE. */
  timeoutMs?: number;
}

/**
 * SQLSTATE classes that say the server cannot be used now rather than that the statement is wrong:
 * connection exceptions (08), insufficient resources (53), operator intervention such as a shutdown (57).
 */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57']);

/** A server that cannot answer is an outage; an error of the statement itself stays what it is (a bug). */
function translate(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  if (sqlState && !UNAVAILABLE_CLASSES.has(sqlState.slice(0, 2))) return error;
  return new AppError('ARCHIVE_UNAVAILABLE', 'The archive database cannot be reached; retry later.', { cause: error });
}

const session = (db: pg.Pool | pg.PoolClient): SqlSession => ({
  async query<Row>(text: string, params?: unknown[]) {
    try {
      return (await db.query(text, params)).rows as Row[];
    } catch (error) {
      throw translate(error);
    }
  },
  async exec(text: string) {
    try {
      await db.query(text);
    } catch (error) {
      throw translate(error);
    }
  },
});

/** A pool of connections to a PostgreSQL server (`ARCHIVE_URL`); while it is down every call fails fast. */
export function createPostgresClient({ url, logger, maxConnections = 4, timeoutMs = 5_000 }: PostgresClientOptions): SqlClient {
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection the server dropped reports here; without a listener it would end the process.
  pool.on('error', (error) => logger?.warn({ err: error }, 'archive (PostgreSQL) connection lost; the next query reconnects'));

  let closing: Promise<void> | undefined;
  return {
    ...session(pool),
    async transaction(work) {
      let connection: pg.PoolClient;
      try {
        connection = await pool.connect();
      } catch (error) {
        throw translate(error);
      }
      const tx = session(connection);
      let unavailable = false;
      try {
        await tx.exec('BEGIN');
        const result = await work(tx);
        await tx.exec('COMMIT');
        return result;
      } catch (error) {
        unavailable = error instanceof AppError && error.code === 'ARCHIVE_UNAVAILABLE';
        if (!unavailable) await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        // A connection that met an outage is discarded rather than handed to the next query.
        connection.release(unavailable);
      }
    },
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}
