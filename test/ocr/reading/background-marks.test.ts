import { describe, expect, it } from 'vitest';
import { backgroundMarks, isPicture } from '../../../src/ocr/reading/background-marks.js';
import { withoutBackgroundMarks, withoutWords, type EngineRead } from '../../../src/ocr/reading/drop-words.js';
import { readWordsOfTsv, type ReadWord } from '../../../src/ocr/reading/tsv-rows.js';

/** A word on line `line`, 20 px tall, from `left` to `right`. */
const word = (text: string, confidence: number, line: number, left: number, right = left + 10 * text.length): ReadWord => ({
  block: 1,
  text,
  confidence,
  line,
  left,
  right,
  top: line * 30,
  bottom: line * 30 + 20,
});

describe('which reads of a picture are background marks', () => {
  it('tells a picture by its uneven background, and keeps every page of even paper a page of text', () => {
    expect(isPicture({ backgroundSpread: 97 })).toBe(true);
    expect(isPicture({ backgroundSpread: 25 })).toBe(true);
    expect(isPicture({ backgroundSpread: 6 })).toBe(false);
  });

  it('keeps a confidently read caption and drops the lines of marks around it', () => {
    const words = [word('RRR', 31, 0, 0), word('3', 84, 1, 0), word('The', 96, 2, 0), word('old', 97, 2, 40), word('harbour', 96, 2, 80)];
    expect([...backgroundMarks(words)]).toEqual([0, 1]);
  });

  it('drops words without a letter or digit, and words read with almost no confidence, from a labelled line', () => {
    const words = [word('|', 95, 0, 0), word('EXIT', 95, 0, 20), word('Cr', 5, 0, 70), word('2', 97, 0, 100)];
    expect([...backgroundMarks(words)]).toEqual([0, 2]);
  });

  it('drops a second read of ink a word before it on the line covers', () => {
    const words = [word('harbour', 90, 0, 0, 70), word('at', 96, 0, 80, 100), word('harbour', 96, 0, 5, 65)];
    expect([...backgroundMarks(words)]).toEqual([2]);
  });

  it('keeps labels of two letters and numbers on a line that holds a confident word', () => {
    const words = [word('Platform', 93, 0, 0), word('2', 97, 0, 90), word('No', 80, 1, 0)];
    expect([...backgroundMarks(words)]).toEqual([2]);
  });

  it("keeps a map's place names read at low confidence, glued to the dot beside them or not, with their line", () => {
    const words = [
      word('eFairhaven', 0, 0, 0),
      word('®Stanmore', 45, 1, 0),
      word('oCold', 52, 2, 0),
      word('No', 75, 2, 60),
      word('Marlow', 29, 3, 0),
      word('Marlow', 12, 4, 0),
      word('Long', 60, 5, 0),
      word('Lake', 60, 5, 50),
      word('eornMkee', 0, 6, 0),
    ];
    // A glued name of four letters, a plain name under the word floor, short words alone and a jumble stay marks.
    expect([...backgroundMarks(words)].sort((a, b) => a - b)).toEqual([2, 3, 5, 6, 7, 8]);
  });
});

describe("a picture's read without its background marks", () => {
  const rows = [
    '1\t1\t0\t0\t0\t0\t0\t0\t300\t100\t-1\t',
    '4\t1\t1\t1\t1\t0\t0\t0\t30\t20\t-1\t',
    '5\t1\t1\t1\t1\t1\t0\t0\t30\t20\t31\t',
    '4\t1\t2\t1\t1\t0\t0\t30\t200\t20\t-1\t',
    '5\t1\t2\t1\t1\t1\t0\t30\t10\t20\t95\t',
    '5\t1\t2\t1\t1\t2\t20\t30\t40\t20\t95\t',
    '5\t1\t2\t1\t1\t3\t70\t30\t40\t20\t96\t',
    '',
  ].join('\n');
  const text = 'RRR\n\n|  EXIT   LEFT\n';
  const box = (left: number, top: number, right: number, bottom: number) => ({ x0: left, y0: top, x1: right, y1: bottom });
  const read: EngineRead = {
    text,
    lineBoxes: [
      { block: 1, left: 0, top: 0, right: 30, bottom: 20 },
      { block: 2, left: 0, top: 30, right: 200, bottom: 50 },
    ],
    words: [
      { text: 'RRR', confidence: 31, bbox: box(0, 0, 30, 20) },
      { text: '|', confidence: 95, bbox: box(0, 30, 10, 50) },
      { text: 'EXIT', confidence: 95, bbox: box(20, 30, 60, 50) },
      { text: 'LEFT', confidence: 96, bbox: box(70, 30, 110, 50) },
    ],
    lines: [
      { text: 'RRR', confidence: 31, bbox: box(0, 0, 30, 20) },
      { text: '|  EXIT   LEFT', confidence: 95, bbox: box(0, 30, 200, 50) },
    ],
    hocr: [
      "<div class='ocr_page' id='page_1'>",
      "<div class='ocr_carea' id='block_1_1' title=\"bbox 0 0 30 20\"><p class='ocr_par' id='par_1_1' title=\"bbox 0 0 30 20\">",
      "<span class='ocr_line' id='line_1_1' title=\"bbox 0 0 30 20\"><span class='ocrx_word' id='word_1_1' title='bbox 0 0 30 20; x_wconf 31'>RRR</span></span>",
      '</p></div>',
      "<div class='ocr_carea' id='block_1_2' title=\"bbox 0 30 200 50\"><p class='ocr_par' id='par_1_2' title=\"bbox 0 30 200 50\">",
      "<span class='ocr_line' id='line_1_2' title=\"bbox 0 30 200 50\"><span class='ocrx_word' id='word_1_2' title='bbox 0 30 10 50; x_wconf 95'>|</span>",
      "<span class='ocrx_word' id='word_1_3' title='bbox 20 30 60 50; x_wconf 95'>EXIT</span> <span class='ocrx_word' id='word_1_4' title='bbox 70 30 110 50; x_wconf 96'>LEFT</span></span>",
      '</p></div>',
      '</div>',
    ].join('\n'),
    tsv: rows,
  };

  it("takes the words' text from the text's lines when the TSV's rows leave it out", () => {
    expect(readWordsOfTsv(rows, text).map(({ text: wordText, line }) => [wordText, line])).toEqual([
      ['RRR', 0],
      ['|', 1],
      ['EXIT', 1],
      ['LEFT', 1],
    ]);
  });

  it('drops the same words from the text, the boxes, the hOCR and the TSV', () => {
    const clean = withoutBackgroundMarks(read);
    expect(clean.text).toBe('EXIT   LEFT\n');
    expect(clean.lineBoxes).toEqual([read.lineBoxes[1]]);
    expect(clean.words?.map((each) => each.text)).toEqual(['EXIT', 'LEFT']);
    expect(clean.lines?.map((each) => each.text)).toEqual(['EXIT   LEFT']);
    expect(clean.hocr).not.toMatch(/RRR|block_1_1|line_1_1|word_1_2/);
    expect(clean.hocr).toMatch(/word_1_3.*EXIT.*word_1_4.*LEFT/s);
    expect(
      clean.tsv
        ?.split('\n')
        .filter((row) => /^[45]\t/.test(row))
        .map((row) => row.split('\t').slice(6, 8).join(',')),
    ).toEqual(['0,30', '20,30', '70,30']);
  });

  it('leaves a read whose words do not match its text as it is', () => {
    const unmatched = { ...read, text: 'RRR EXIT\n|  EXIT   LEFT\n' };
    expect(withoutBackgroundMarks(unmatched)).toBe(unmatched);
  });

  it('keeps every word of a read when none is dropped', () => {
    expect(withoutWords(read, readWordsOfTsv(rows, text), new Set())).toMatchObject({ text: 'RRR\n|  EXIT   LEFT\n', lineBoxes: read.lineBoxes });
  });
});
