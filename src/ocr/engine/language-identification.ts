import { franc } from 'franc-min';

/** Names the language a text is written in, as a tesseract code; undefined when the text is too short to tell. */
export type LanguageIdentifier = (text: string) => string | undefined;

/** Fewer letters than this tell no language apart reliably (a number, a name, a short code). */
const MIN_LENGTH = 30;

/**
 * franc's answer for "too short to tell". Tesseract names its languages by ISO 639-3 codes (eng, deu, fra, spa, ita,
 * por, nld), as franc does, so candidates and answers pass between the two unchanged.
 */
const UNDETERMINED = 'und';

/**
 * A trigram language identifier (franc-min: pure JavaScript, no network) restricted to `candidates`, the languages
 * the service can read with: the best of them, however unlike it the text is.
 */
export function createLanguageIdentifier(candidates: readonly string[]): LanguageIdentifier {
  const only = [...candidates];
  return (text) => {
    if (only.length === 0) return undefined;
    const code = franc(text, { only, minLength: MIN_LENGTH });
    return code === UNDETERMINED ? undefined : code;
  };
}
