import type { ReadWord, TsvBox } from './tsv-rows.js';

/**
 * A picture's background (a photograph's gradients and textures, a map's shading and symbols) is not the even paper
 * of a page of text: its local backgrounds differ by this many gray levels or more (page-analysis.ts). Every page of
 * the labelled corpora, noisy scans and low-contrast pages included, stays well under it, and the rule below is
 * applied only above it, so that a page of text keeps every word tesseract read on it.
 */
const PICTURE_BACKGROUND_SPREAD = 20;

/**
 * A word read under this confidence on a picture is a guess at a mark of its background: tesseract gives its labels,
 * even small or on a busy background, far more.
 */
const MIN_WORD_CONFIDENCE = 20;

/**
 * A line of a picture's text holds at least one word this long (letters and digits) that tesseract read at least
 * this confidently; a line without one is a row of background marks taken for letters (a texture read as `RRR`, a
 * symbol as `3`), which change from one encoding of the picture to the next with a gray level or two.
 */
const LABEL_MIN_CHARACTERS = 3;
const LABEL_MIN_CONFIDENCE = 80;

/**
 * A name as a map or a photograph labels a place or a thing: a capitalised word of five letters or more. Tesseract
 * often reads such a name next to a map's dot at low confidence, and a different one in each encoding, yet it is the
 * text the picture holds: it keeps its line above the word floor. Glued behind a symbol or a lowercase letter (the dot
 * itself read as `e`, `o`, `@` or `®`), the shape alone tells it from a mark, at any confidence.
 */
const NAME = /^\p{Lu}\p{Ll}{4,}[.,]?$/u;
const NAME_BEHIND_SYMBOL = /^[^\p{L}\p{N}]*\p{Ll}?\p{Lu}\p{Ll}{4,}[.,]?$/u;

/** Two words of one line overlapping by more than this share of the narrower one are two reads of the same ink. */
const SAME_INK_OVERLAP = 0.5;

/** Whether the page measured so is a picture, whose reads are filtered by `backgroundMarks`. */
export const isPicture = (analysis: { backgroundSpread: number }): boolean => analysis.backgroundSpread >= PICTURE_BACKGROUND_SPREAD;

const alphanumerics = (text: string): number => text.replace(/[^\p{L}\p{N}]/gu, '').length;

const behindSymbol = (text: string): boolean => NAME_BEHIND_SYMBOL.test(text) && !NAME.test(text);

const overlapShare = (a: TsvBox, b: TsvBox): number =>
  Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) / Math.max(1, Math.min(a.right - a.left, b.right - b.left));

/**
 * The words of a picture's read that tesseract took from its background rather than from its text, by their index in
 * `words`: words without a letter or a digit (a line, a bar, a dot read as `|`, `—` or `°`), words read with almost no
 * confidence (but a name behind a symbol), a second read of ink a word before it on the line already covers (tesseract's
 * LSTM sometimes reads a caption twice, once with the box behind it), and every word of a line that holds neither a
 * confidently read label nor a name.
 */
export function backgroundMarks(words: readonly ReadWord[]): Set<number> {
  const marks = new Set<number>();
  const kept: ReadWord[] = [];
  for (const [index, word] of words.entries()) {
    const sameInk = kept.some((other) => other.line === word.line && overlapShare(word, other) > SAME_INK_OVERLAP);
    if (sameInk || alphanumerics(word.text) === 0 || (word.confidence < MIN_WORD_CONFIDENCE && !behindSymbol(word.text))) marks.add(index);
    else kept.push(word);
  }
  const isLabel = (word: ReadWord) =>
    NAME_BEHIND_SYMBOL.test(word.text) || (alphanumerics(word.text) >= LABEL_MIN_CHARACTERS && word.confidence >= LABEL_MIN_CONFIDENCE);
  const labelled = new Set(kept.filter(isLabel).map((word) => word.line));
  for (const [index, word] of words.entries()) if (!labelled.has(word.line)) marks.add(index);
  return marks;
}
