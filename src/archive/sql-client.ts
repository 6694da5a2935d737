/** What the archive's SQL needs from a database driver: the one seam between PGlite and node-postgres. */
export interface SqlSession {
  /** One statement with `$1`-style parameters; answers its rows. */
  query<Row>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Several statements without parameters (a migration). */
  exec(text: string): Promise<void>;
}

export interface SqlClient extends SqlSession {
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
