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
