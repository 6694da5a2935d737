/** Where one line or word of recognised text sits on the page, from tesseract's TSV. */
export interface TsvBox {
  /** Tesseract's block number: a separate region of text, such as a column or a headline. */
  block: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface TsvWord extends TsvBox {
  text: string;
}

/** TSV rows of level 4 are lines, of level 5 words; columns 3, 7 to 10 and 12 hold the block, the box and the text. */
const LINE_LEVEL = '4';
const WORD_LEVEL = '5';

function rowsOfLevel(tsv: string, level: string): string[][] {
  return tsv
    .split('\n')
    .map((row) => row.split('\t'))
    .filter((cells) => cells[0] === level && cells.length >= 10);
}

const boxOf = (cells: readonly string[]): TsvBox => {
  const [left, top, width, height] = cells.slice(6, 10).map(Number) as [number, number, number, number];
  return { block: Number(cells[2]), left, top, right: left + width, bottom: top + height };
};

/** The lines of one page's TSV rows (with or without the header), in reading order. */
export function linesOfTsv(tsv: string): TsvBox[] {
  return rowsOfLevel(tsv, LINE_LEVEL).map(boxOf);
}

/** The words of one page's TSV rows, in reading order, blank ones left out. */
export function wordsOfTsv(tsv: string): TsvWord[] {
  return rowsOfLevel(tsv, WORD_LEVEL)
    .map((cells) => ({ ...boxOf(cells), text: (cells[11] ?? '').trim() }))
    .filter((word) => word.text !== '');
}

/** One word of a read, with the index of its line among the read's lines and tesseract's confidence, 0 to 100. */
export interface ReadWord extends TsvWord {
  line: number;
  confidence: number;
}

/** The words of each non-blank line of a recognised text, as tesseract writes them: separated by spaces. */
export const wordsOfTextLines = (text: string): string[][] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s+/));

/**
 * The words of one page's TSV rows, in reading order, each with its line's index among the line rows. The TSV of line
 * rows (the engine's default) leaves the words' text out: it is taken from the text's lines, word for word (tesseract
 * writes a line's words with spaces between them), and is left empty where a line's words and the text's do not match.
 */
export function readWordsOfTsv(tsv: string, text: string): ReadWord[] {
  const lineIndex = new Map(rowsOfLevel(tsv, LINE_LEVEL).map((cells, index) => [cells.slice(2, 5).join(' '), index]));
  const textLines = wordsOfTextLines(text);
  const tokens = textLines.length === lineIndex.size ? textLines : [];
  const words = rowsOfLevel(tsv, WORD_LEVEL).map((cells) => ({
    ...boxOf(cells),
    text: (cells[11] ?? '').trim(),
    line: lineIndex.get(cells.slice(2, 5).join(' ')) ?? -1,
    confidence: Number(cells[10]),
  }));
  const perLine = new Map<number, number>();
  for (const word of words) perLine.set(word.line, (perLine.get(word.line) ?? 0) + 1);
  const placed = new Map<number, number>();
  return words.map((word) => {
    const place = placed.get(word.line) ?? 0;
    placed.set(word.line, place + 1);
    const lineTokens = tokens[word.line];
    return word.text === '' && lineTokens !== undefined && lineTokens.length === perLine.get(word.line)
      ? { ...word, text: lineTokens[place]! }
      : word;
  });
}
