import * as createArchive from './0001-create-archive.js';
import * as pageField from './0002-page-field.js';

export interface Migration {
  /** Applied in ascending order, each once; never change a released one, add the next. */
  version: number;
  name: string;
  sql: string;
}

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'create-archive', sql: createArchive.sql },
  { version: 2, name: 'page-field', sql: pageField.sql },
];
