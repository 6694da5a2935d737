import type { Archive, SearchHit, StoredArchiveRecord } from './archive.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import type { SqlClient } from './sql-client.js';
import { TEXT_SEARCH_CONFIGS, textSearchConfigs } from './text-search.js';

/*
 * The one set of SQL both backends run. Timestamps are read back as ISO text (to_char in UTC) so PGlite and
 * node-postgres answer the same strings without either driver's date parsing.
 */
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', ${ISO})`;

/**
 * A batch in one statement, its records as one JSON array: the statement is parsed and planned once, where one INSERT
 * a record pays that for each, in PGlite as much as computing the text's search vector.
 */
const INSERT_ALL = `
INSERT INTO archive_texts (task_id, owner, file_name, media_type, size_bytes, lang, confidence, options, timings,
  created_at, finished_at, text, pages, ts_config, search)
SELECT r.task_id, r.owner, r.file_name, r.media_type, r.size_bytes, r.lang, r.confidence, r.options, r.timings,
  r.created_at, r.finished_at, r.text, r.pages, r.configs[1], archive_tsvector(r.configs::regconfig[], r.text)
FROM jsonb_to_recordset($1::jsonb) AS r(task_id text, owner text, file_name text, media_type text, size_bytes bigint,
  lang text, confidence real, options jsonb, timings jsonb, created_at timestamptz, finished_at timestamptz, text text,
  pages jsonb, configs text[])
ON CONFLICT (task_id) DO NOTHING
RETURNING task_id`;

// The snippet is cut from HTML-escaped text, so a client may show it as HTML with only <mark> from us.
const ESCAPED_TEXT = `replace(replace(replace(text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')`;
const HEADLINE_OPTIONS = `'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, MaxWords=18, MinWords=6, FragmentDelimiter=" … "'`;

/**
 * The page of a document that holds the first match, stemmed with the document's main language (a match found in
 * another of its languages alone names no page); none for a one-page text, whose page goes without saying.
 */
const FIRST_MATCHING_PAGE = `
CASE WHEN jsonb_array_length(a.pages) > 1 THEN (
  SELECT (p.value->>'page')::int FROM jsonb_array_elements(a.pages) WITH ORDINALITY AS p(value, place)
  WHERE to_tsvector(a.ts_config::regconfig, p.value->>'text') @@ query.q
  ORDER BY p.place LIMIT 1) END`;

// $1 configs, $2 words, $3 owner, $4 lang, $5 from, $6 to, $7 media type, $8 cursor score, $9 cursor task id, $10 limit.
const SEARCH = `
WITH query AS (SELECT archive_tsquery($1::regconfig[], $2) AS q),
hits AS (
  SELECT a.task_id, ts_rank(a.search, query.q)::float8 AS score
  FROM archive_texts a, query
  WHERE a.search @@ query.q
    AND a.owner IS NOT DISTINCT FROM $3
    AND ($4::text IS NULL OR a.lang = $4)
    AND ($5::timestamptz IS NULL OR a.created_at >= $5)
    AND ($6::timestamptz IS NULL OR a.created_at < $6)
    AND ($7::text IS NULL OR a.media_type = $7)
)
SELECT hits.task_id AS "taskId", hits.score,
  ts_headline(a.ts_config::regconfig, ${ESCAPED_TEXT}, query.q, ${HEADLINE_OPTIONS}) AS snippet,
  ${iso('a.created_at')} AS "createdAt", a.lang, jsonb_array_length(a.pages) AS pages, a.file_name AS "fileName",
  ${FIRST_MATCHING_PAGE} AS page
FROM hits JOIN archive_texts a USING (task_id), query
WHERE $8::float8 IS NULL OR (hits.score, hits.task_id) < ($8::float8, $9::text)
ORDER BY hits.score DESC, hits.task_id DESC
LIMIT $10`;

const SELECT_RECORD = `
SELECT task_id AS "taskId", owner, file_name AS "fileName", media_type AS "mediaType", size_bytes::float8 AS "sizeBytes", lang,
  confidence::float8 AS confidence, options, timings, ${iso('created_at')} AS "createdAt", ${iso('finished_at')} AS "finishedAt",
  ${iso('archived_at')} AS "archivedAt", text, pages
FROM archive_texts WHERE task_id = $1 AND owner IS NOT DISTINCT FROM $2`;

type SearchHitRow = Omit<SearchHit, 'fileName' | 'page'> & { fileName: string | null; page: number | null };

type RecordRow = { [K in keyof StoredArchiveRecord]: StoredArchiveRecord[K] | null };

/** A row with SQL NULLs as absent fields, as the rest of the service writes optional values. */
function fromRow(row: RecordRow): StoredArchiveRecord {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null)) as unknown as StoredArchiveRecord;
}

/**
 * The archive on any PostgreSQL the client reaches (PGlite in-process or a server). Start-up does not wait
 * for the database: the schema is brought up to date by `migrate()` and, when that failed (the server was
 * down), again before the first operation that needs it.
 */
export function createSqlArchive(client: SqlClient): Archive {
  let migrated: Promise<void> | undefined;
  const ready = () => {
    migrated ??= migrate(client, MIGRATIONS).then(
      () => undefined,
      (error: unknown) => {
        migrated = undefined;
        throw error;
      },
    );
    return migrated;
  };

  let closing: Promise<void> | undefined;

  return {
    migrate: ready,

    async recordAll(records) {
      await ready();
      const rows = records.map((record) => ({
        task_id: record.taskId,
        owner: record.owner ?? null,
        file_name: record.fileName ?? null,
        media_type: record.mediaType,
        size_bytes: record.sizeBytes ?? null,
        lang: record.lang,
        confidence: record.confidence,
        options: record.options,
        timings: record.timings,
        created_at: record.createdAt,
        finished_at: record.finishedAt,
        text: record.text,
        pages: record.pages,
        configs: textSearchConfigs(record.lang),
      }));
      // One statement, so all of the batch or none of it: the outbox keeps what is not written.
      const inserted = new Set((await client.query<{ task_id: string }>(INSERT_ALL, [JSON.stringify(rows)])).map((row) => row.task_id));
      // A task twice in the batch is written once, by its first record.
      return records.map(({ taskId }) => inserted.delete(taskId));
    },

    async search({ q, owner, lang, from, to, mediaType, limit, cursor }) {
      await ready();
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const configs = lang === undefined ? TEXT_SEARCH_CONFIGS : textSearchConfigs(lang);
      // One row more than asked tells whether there is a next page.
      const rows = await client.query<SearchHitRow>(SEARCH, [
        configs,
        q,
        owner ?? null,
        lang ?? null,
        from ?? null,
        to ?? null,
        mediaType ?? null,
        after?.score ?? null,
        after?.taskId ?? null,
        limit + 1,
      ]);
      // SQL NULLs (no file name, no page) as absent fields.
      const results = rows.slice(0, limit).map(({ fileName, page, ...hit }) => ({ ...hit, ...(fileName && { fileName }), ...(page && { page }) }));
      const last = results.at(-1);
      return rows.length > limit && last ? { results, nextCursor: encodeCursor(last) } : { results };
    },

    async get(taskId, owner) {
      await ready();
      const [row] = await client.query<RecordRow>(SELECT_RECORD, [taskId, owner ?? null]);
      return row ? fromRow(row) : undefined;
    },

    async delete(taskId, owner) {
      await ready();
      const rows = await client.query('DELETE FROM archive_texts WHERE task_id = $1 AND owner IS NOT DISTINCT FROM $2 RETURNING task_id', [
        taskId,
        owner ?? null,
      ]);
      return rows.length > 0;
    },

    async purgeOlderThan(days) {
      await ready();
      const rows = await client.query(`DELETE FROM archive_texts WHERE finished_at < now() - make_interval(days => $1) RETURNING task_id`, [days]);
      return rows.length;
    },

    close() {
      closing ??= client.close();
      return closing;
    },
  };
}
