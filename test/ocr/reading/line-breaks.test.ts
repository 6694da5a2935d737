import { describe, expect, it } from 'vitest';
import { keepRealParagraphBreaks } from '../../../src/ocr/reading/line-breaks.js';
import { linesOfTsv, wordsOfTsv, type TsvBox } from '../../../src/ocr/reading/tsv-rows.js';

/** Lines 20 px tall, 10 px apart, in one block unless said otherwise. */
const evenly = (count: number, block = 1, from = 0): TsvBox[] =>
  Array.from({ length: count }, (_, index) => ({ block, left: 0, top: from + index * 30, right: 300, bottom: from + index * 30 + 20 }));

describe('blank lines in the text', () => {
  it("drops the blank lines of tesseract's paragraph guesses between evenly spaced lines", () => {
    const text = 'The board will meet\non Tuesday.\n\nMinutes are sent\n\na week ahead.\n';
    expect(keepRealParagraphBreaks(text, evenly(4))).toBe('The board will meet\non Tuesday.\nMinutes are sent\na week ahead.\n');
  });

  it('keeps a paragraph break the page shows as a wider gap, even where tesseract put none', () => {
    const lines = [...evenly(2), ...evenly(2, 1, 100)];
    expect(keepRealParagraphBreaks('First paragraph\nends here.\nSecond one\nfollows.\n', lines)).toBe(
      'First paragraph\nends here.\n\nSecond one\nfollows.\n',
    );
  });

  it('separates regions of text (a headline, the columns) by one blank line', () => {
    const lines = [...evenly(1, 1), ...evenly(3, 2, 60), ...evenly(3, 3, 60)];
    const text = 'Headline\nleft one\nleft two\nleft three\n\n\nright one\nright two\nright three\n';
    expect(keepRealParagraphBreaks(text, lines)).toBe('Headline\n\nleft one\nleft two\nleft three\n\nright one\nright two\nright three\n');
  });

  it('leaves the text as it is when the boxes do not match its lines, and an empty text empty', () => {
    expect(keepRealParagraphBreaks('one\n\ntwo\n', evenly(3))).toBe('one\n\ntwo\n');
    expect(keepRealParagraphBreaks('', [])).toBe('');
  });

  it("reads the boxes of lines and words from tesseract's TSV rows", () => {
    const tsv = [
      '1\t1\t0\t0\t0\t0\t0\t0\t600\t200\t-1\t',
      '4\t1\t1\t1\t1\t0\t30\t40\t300\t22\t-1\t',
      '5\t1\t1\t1\t1\t1\t30\t40\t80\t22\t95.1\tHello',
      '4\t1\t2\t1\t1\t0\t30\t90\t300\t20\t-1\t',
    ].join('\n');
    expect(linesOfTsv(tsv)).toEqual([
      { block: 1, left: 30, top: 40, right: 330, bottom: 62 },
      { block: 2, left: 30, top: 90, right: 330, bottom: 110 },
    ]);
    expect(wordsOfTsv(tsv)).toEqual([{ block: 1, left: 30, top: 40, right: 110, bottom: 62, text: 'Hello' }]);
  });
});
