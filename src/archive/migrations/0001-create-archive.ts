import { TEXT_SEARCH_CONFIGS } from '../text-search.js';

/** PostgreSQL's configuration each `archive_*` one copies: `archive_german` copies `german`. */
const copied = (config: string) => config.replace(/^archive_/, '');

/**
 * The archive table and its full-text search. The search vector is computed at insert time from the text and
 * the configurations of the task's language set (not a generated column: `unaccent` is not immutable).
 */
export const sql = `
CREATE EXTENSION IF NOT EXISTS unaccent;

${TEXT_SEARCH_CONFIGS.map(
  (config) => `CREATE TEXT SEARCH CONFIGURATION ${config} (COPY = ${copied(config)});
ALTER TEXT SEARCH CONFIGURATION ${config} ALTER MAPPING FOR hword, hword_part, word WITH unaccent, ${copied(config) === 'simple' ? 'simple' : `${copied(config)}_stem`};`,
).join('\n')}

CREATE FUNCTION archive_tsvector(configs regconfig[], body text) RETURNS tsvector LANGUAGE plpgsql STABLE AS $$
DECLARE
  result tsvector := ''::tsvector;
  config regconfig;
BEGIN
  FOREACH config IN ARRAY configs LOOP
    result := result || to_tsvector(config, body);
  END LOOP;
  RETURN result;
END $$;

-- A query matches when it matches as read in any of the languages: the words are stemmed once per language.
CREATE FUNCTION archive_tsquery(configs regconfig[], words text) RETURNS tsquery LANGUAGE plpgsql STABLE AS $$
DECLARE
  result tsquery;
  config regconfig;
BEGIN
  FOREACH config IN ARRAY configs LOOP
    result := CASE WHEN result IS NULL THEN websearch_to_tsquery(config, words) ELSE result || websearch_to_tsquery(config, words) END;
  END LOOP;
  RETURN result;
END $$;

CREATE TABLE archive_texts (
  task_id text PRIMARY KEY,
  owner text,
  file_name text,
  media_type text NOT NULL,
  size_bytes bigint,
  lang text NOT NULL,
  confidence real NOT NULL,
  options jsonb NOT NULL,
  timings jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now(),
  text text NOT NULL,
  pages jsonb NOT NULL,
  -- The first configuration of the language set: the one snippets are cut with.
  ts_config text NOT NULL,
  search tsvector NOT NULL
);

CREATE INDEX archive_texts_search ON archive_texts USING gin (search);
CREATE INDEX archive_texts_owner_created ON archive_texts (owner, created_at);
CREATE INDEX archive_texts_finished ON archive_texts (finished_at);
`;
