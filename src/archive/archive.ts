import type { OcrOptions, OcrTimings } from '../job.js';

/** One page of an archived text; an image is one page (documents bring more). */
export interface ArchivedPage {
  /** 1-based, as numbered in the original document. */
  page: number;
  text: string;
}

/** A completed task as the archive keeps it, long after the result store has let it expire. */
export interface ArchiveRecord {
  taskId: string;
  /** Name of the API key that created the task; undefined while the service runs without keys. */
  owner?: string;
  fileName?: string;
  mediaType: string;
  sizeBytes?: number;
  /** The language set it was read with, such as `eng` or `deu+eng`. */
  lang: string;
  confidence: number;
  options: OcrOptions;
  timings: OcrTimings;
  createdAt: string;
  finishedAt: string;
  text: string;
  pages: ArchivedPage[];
}

/** An archived record as read back, with when it was archived. */
export interface StoredArchiveRecord extends ArchiveRecord {
  archivedAt: string;
}

export interface SearchQuery {
  /** Words as a person types them: `"exact phrase"`, `or`, `-excluded` (websearch_to_tsquery). */
  q: string;
  /** Only tasks of this owner; undefined means the tasks created without a key. */
  owner?: string;
  /** Only tasks read with exactly this language set; the query words are stemmed for its languages only. */
  lang?: string;
  /** Only tasks created at or after / before these times (ISO 8601). */
  from?: string;
  to?: string;
  mediaType?: string;
  limit: number;
  /** From the previous page's `nextCursor`. */
  cursor?: string;
}

export interface SearchHit {
  taskId: string;
  score: number;
  /** HTML-escaped text around the matches, each match in `<mark>`. */
  snippet: string;
  createdAt: string;
  lang: string;
  pages: number;
  /** The uploaded file's name, when the client sent one. */
  fileName?: string;
  /** A document's page that holds the first match (its number in the original); absent for a one-page text. */
  page?: number;
}

export interface SearchPage {
  results: SearchHit[];
  /** Undefined on the last page. */
  nextCursor?: string;
}

/**
 * The durable, searchable record of completed tasks. Every read and delete is scoped to an owner exactly as
 * the result store's are: another owner's record looks like a missing one.
 */
export interface Archive {
  /** Brings the schema up to date; safe to call again (a failed start-up is retried by the next call). */
  migrate(): Promise<void>;
  /**
   * Records completed tasks in one transaction: all of them or, when it throws, none. Answers for each whether it
   * was written: false when it was archived before (a job completed twice is kept once).
   */
  recordAll(records: readonly ArchiveRecord[]): Promise<boolean[]>;
  search(query: SearchQuery): Promise<SearchPage>;
  get(taskId: string, owner: string | undefined): Promise<StoredArchiveRecord | undefined>;
  /** False when there was no such record of that owner. */
  delete(taskId: string, owner: string | undefined): Promise<boolean>;
  /** Removes records finished more than `days` ago; answers how many. */
  purgeOlderThan(days: number): Promise<number>;
  close(): Promise<void>;
}
