/**
 * Which PostgreSQL text search configuration reads which OCR language. Each `archive_<name>` configuration
 * (created by the first migration) is PostgreSQL's own for that language with `unaccent` in front of the
 * stemmer, so "Koln" finds "Köln" and the snippet still shows the text as it was read.
 */
const CONFIG_OF_LANGUAGE: Record<string, string> = {
  eng: 'archive_english',
  deu: 'archive_german',
  fra: 'archive_french',
  spa: 'archive_spanish',
  ita: 'archive_italian',
  por: 'archive_portuguese',
  nld: 'archive_dutch',
};

const FALLBACK_CONFIG = 'archive_simple';

/** Every configuration the archive uses, fallback included (what the migration creates and a search without `lang` reads). */
export const TEXT_SEARCH_CONFIGS = [...new Set([...Object.values(CONFIG_OF_LANGUAGE), FALLBACK_CONFIG])];

/** The configurations for a language set such as `deu+eng`, in its order; unknown languages read as `archive_simple`. */
export function textSearchConfigs(languageSet: string): string[] {
  return [...new Set(languageSet.split('+').map((lang) => CONFIG_OF_LANGUAGE[lang] ?? FALLBACK_CONFIG))];
}
