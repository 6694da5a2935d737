import type { TextBox } from '../../formats.js';
import { backgroundMarks } from './background-marks.js';
import { readWordsOfTsv, wordsOfTextLines, type ReadWord, type TsvBox } from './tsv-rows.js';

/** What one recognition read, as tesseract gave it: the text, its lines' boxes and the renditions asked for. */
export interface EngineRead {
  text: string;
  lineBoxes: TsvBox[];
  words?: TextBox[];
  lines?: TextBox[];
  hocr?: string;
  /** The TSV's rows (without its header). */
  tsv?: string;
}

const keyOf = ({ left, top, right, bottom }: Omit<TsvBox, 'block'>) => `${left} ${top} ${right} ${bottom}`;
const keyOfTextBox = ({ bbox }: TextBox) => keyOf({ left: bbox.x0, top: bbox.y0, right: bbox.x1, bottom: bbox.y1 });

/** The rows of a TSV without the words and the lines dropped (both counted in the order of their rows). */
function tsvWithout(tsv: string, droppedWords: Set<number>, droppedLines: Set<number>): string {
  const seen = { '4': -1, '5': -1 };
  return tsv
    .split('\n')
    .filter((row) => {
      const level = row.slice(0, row.indexOf('\t'));
      if (level !== '4' && level !== '5') return true;
      seen[level] += 1;
      return !(level === '4' ? droppedLines : droppedWords).has(seen[level]);
    })
    .join('\n');
}

/** An hOCR page without the words whose boxes are dropped, nor the lines, paragraphs and areas left empty. */
function hocrWithout(hocr: string, droppedBoxes: Set<string>): string {
  return hocr
    .replace(/<span class='ocrx_word'[^>]*? title='bbox (\d+) (\d+) (\d+) (\d+);[^>]*>[^]*?<\/span>\s*/g, (word, left, top, right, bottom) =>
      droppedBoxes.has(`${left} ${top} ${right} ${bottom}`) ? '' : word,
    )
    .replace(/<span class='ocr_\w+'[^>]*>\s*<\/span>\s*/g, '')
    .replace(/<p class='ocr_par'[^>]*>\s*<\/p>\s*/g, '')
    .replace(/<div class='ocr_carea'[^>]*>\s*<\/div>\s*/g, '');
}

/**
 * The read without the words of `dropped` (indices into `words`, the read's words in order): its text keeps the other
 * words of each line with the spaces between them and loses the lines left empty, and its boxes and renditions lose
 * the same words and lines, so that all of them say what the text says.
 */
export function withoutWords(read: EngineRead, words: readonly ReadWord[], dropped: ReadonlySet<number>): EngineRead {
  const droppedLines = new Set<number>();
  const lineTexts = new Map<string, string>();
  const emptied = new Set<string>();
  const textLines = read.text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line, index) => {
      const parts = line.trim().split(/(\s+)/);
      let kept = '';
      words
        .map((word, at) => ({ word, at }))
        .filter(({ word }) => word.line === index)
        .forEach(({ at }, place) => {
          if (!dropped.has(at)) kept += `${kept === '' ? '' : parts[2 * place - 1]}${parts[2 * place]}`;
        });
      if (kept === '') {
        droppedLines.add(index);
        emptied.add(keyOf(read.lineBoxes[index]!));
      } else lineTexts.set(keyOf(read.lineBoxes[index]!), kept);
      return kept === '' ? [] : [kept];
    });
  const droppedBoxes = new Set([...dropped].map((at) => keyOf(words[at]!)));
  return {
    text: textLines.length > 0 ? `${textLines.join('\n')}\n` : '',
    lineBoxes: read.lineBoxes.filter((_, index) => !droppedLines.has(index)),
    ...(read.words && { words: read.words.filter((word) => !droppedBoxes.has(keyOfTextBox(word))) }),
    ...(read.lines && {
      lines: read.lines
        .filter((line) => !emptied.has(keyOfTextBox(line)))
        .map((line) => ({ ...line, text: lineTexts.get(keyOfTextBox(line)) ?? line.text })),
    }),
    ...(read.hocr !== undefined && { hocr: hocrWithout(read.hocr, droppedBoxes) }),
    ...(read.tsv !== undefined && { tsv: tsvWithout(read.tsv, new Set(dropped), droppedLines) }),
  };
}

/**
 * A picture's read (background-marks.ts) without what tesseract read from its background, which its TSV rows (line and
 * word rows at least) tell. A read whose words cannot be matched to its text is returned as it is.
 */
export function withoutBackgroundMarks(read: EngineRead): EngineRead {
  const words = readWordsOfTsv(read.tsv ?? '', read.text);
  const tokens = wordsOfTextLines(read.text).map((line) => line.length);
  const matched =
    tokens.length === read.lineBoxes.length &&
    words.every((word) => word.text !== '') &&
    tokens.every((count, line) => words.filter((word) => word.line === line).length === count);
  if (!matched) return read;
  const marks = backgroundMarks(words);
  return marks.size === 0 ? read : withoutWords(read, words, marks);
}
