import { PSM } from 'tesseract.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createLanguageCatalog } from '../../src/ocr/engine/languages.js';
import { decodeGray, preprocessImage } from '../../src/ocr/analysis/preprocess.js';
import { characterErrorRate } from '../helpers/error-rate.js';
import { renderLayoutPage, tablePieces, type PagePiece } from '../helpers/layout-pages.js';
import { createLocalPipeline } from '../helpers/ocr-pipeline.js';
import { createRawReader } from '../helpers/raw-tesseract.js';

/** An image prepared as the pipeline prepares it, upright. */
const prepare = async (bytes: Buffer) => preprocessImage(await decodeGray(bytes, { maxPixels: 40_000_000 }));

const LEFT_COLUMN =
  'The committee met on a cold Tuesday morning to settle the budget for the coming year. Every member brought a list of what the town needs most, and the lists were long.';
const RIGHT_COLUMN =
  'Roads came first, then the library roof, which has leaked since the storm in March. The treasurer warned that the reserve would not cover both before the autumn.';
const TABLE = [
  ['Item', 'Qty', 'Unit price', 'Amount'],
  ['desk lamp', '2', '31.50', '63.00'],
  ['printer toner', '11', '48.20', '530.20'],
  ['copy paper A4', '4', '6.75', '27.00'],
  ['stapler', '1', '12.99', '12.99'],
];

/** Two columns of small serif text with a gutter of about one type size, as on the page that read across both columns. */
const twoColumns = (top = 20): PagePiece[] => [
  { text: LEFT_COLUMN, left: 20, top, width: 290 },
  { text: RIGHT_COLUMN, left: 326, top, width: 290 },
];
const table = (top: number) => tablePieces(TABLE, { left: 24, top, columnLefts: [0, 200, 290, 420], rowPitch: 30, font: 'DejaVu Sans 12' });
const heading: PagePiece = { text: 'Town budget for the year', left: 20, top: 16, font: 'DejaVu Serif Bold 22' };

/** A notice: a paragraph on the left, a short list set beside it, the two not in rows. */
const POSTER_TEXT = 'The hall is open to all residents every weekday. Bring a card from the town office to book a room for a meeting.';
const POSTER_LIST = ['Monday 9 to 5', 'Tuesday 9 to 5', 'Friday 9 to 1'];
const posterPieces: PagePiece[] = [
  { text: POSTER_TEXT, left: 20, top: 20, width: 300 },
  ...POSTER_LIST.map((text, index) => ({ text, left: 420, top: 36 + index * 44, font: 'DejaVu Sans 10' })),
];

const kinds = async (png: Buffer) =>
  (await prepare(png)).layout.regions.map(
    (region) => region.kind + (region.cells ? ` ${region.cells.columns.length}×${region.cells.rows.length}` : ''),
  );

describe('page layout, from the page alone', () => {
  it('finds two columns apart by a narrow gutter', async () => {
    expect(await kinds(await renderLayoutPage(640, 300, twoColumns()))).toEqual(['text', 'text']);
  });

  it('finds a table: its columns and every row, header included', async () => {
    expect(await kinds(await renderLayoutPage(600, 200, table(20)))).toEqual(['table 4×5']);
  });

  it('reads a paragraph of monospaced prose, whose spaces may line up, as text', async () => {
    const prose: PagePiece = { text: `${LEFT_COLUMN} ${RIGHT_COLUMN}`, left: 20, top: 20, width: 520, font: 'DejaVu Sans Mono 12' };
    expect(await kinds(await renderLayoutPage(580, 320, [prose]))).toEqual(['text']);
  });

  it('cannot tell a page of labels beside a narrow list: neither columns nor a table', async () => {
    const regions = (await prepare(await renderLayoutPage(600, 320, posterPieces))).layout.regions;
    expect(regions).toHaveLength(1);
    expect(regions[0]).toMatchObject({ kind: 'text', unsure: true });
  });

  it('splits a headline over two columns from the table under them', async () => {
    const page = await renderLayoutPage(640, 520, [heading, ...twoColumns(70), ...table(330)]);
    expect(await kinds(page)).toEqual(['text', 'text', 'text', 'table 4×5']);
  });
});

describe('reading a page in its regions', () => {
  const { engine, pipeline } = createLocalPipeline({ maxLanguageSets: 1, jobTimeoutMs: 60_000 });
  afterAll(() => engine.close());

  it('reads two columns one after the other, not across', async () => {
    const result = await pipeline.run({
      image: await renderLayoutPage(640, 300, twoColumns()),
      mediaType: 'image/png',
      lang: 'eng',
      preprocess: true,
      outputs: [],
    });
    expect(characterErrorRate(`${LEFT_COLUMN}\n${RIGHT_COLUMN}`, result.text)).toBeLessThan(0.02);
    expect(result.regions.map((region) => region.type)).toEqual(['text', 'text']);
  });

  it("reads a page it cannot tell as tesseract's own layout analysis does, no worse than raw tesseract.js at PSM 3", async () => {
    const page = await renderLayoutPage(600, 320, posterPieces);
    const truth = `${POSTER_TEXT}\n${POSTER_LIST.join('\n')}`;
    const raw = createRawReader(createLanguageCatalog().langPath, PSM.AUTO);
    try {
      const result = await pipeline.run({ image: page, mediaType: 'image/png', lang: 'eng', preprocess: true, outputs: [] });
      expect(result.psm).toBe(3);
      expect(characterErrorRate(truth, result.text)).toBeLessThanOrEqual(characterErrorRate(truth, await raw.read(page, 'eng')) + 0.02);
    } finally {
      await raw.close();
    }
  });

  it('gives the regions in reading order and the table cell by cell', async () => {
    const page = await renderLayoutPage(640, 520, [heading, ...twoColumns(70), ...table(330)]);
    const result = await pipeline.run({ image: page, mediaType: 'image/png', lang: 'eng', preprocess: true, outputs: ['hocr', 'tsv'] });
    expect(result.regions.map((region) => region.type)).toEqual(['heading', 'text', 'text', 'table']);
    expect(result.regions[0]!.text.trim()).toBe('Town budget for the year');
    expect(characterErrorRate(LEFT_COLUMN, result.regions[1]!.text)).toBeLessThan(0.02);
    expect(characterErrorRate(RIGHT_COLUMN, result.regions[2]!.text)).toBeLessThan(0.02);
    expect(result.tables).toHaveLength(1);
    expect(result.tables[0]!.rows).toEqual(TABLE);
    const [left, , , tableRegion] = result.regions;
    expect(left!.bbox.y0).toBeLessThan(tableRegion!.bbox.y0);
    expect(result.tables[0]!.bbox.y0).toBeGreaterThanOrEqual(320);
    // The renditions carry every region: hOCR areas and TSV blocks in reading order.
    expect(result.hocr!.match(/class='ocr_carea'/g)!.length).toBeGreaterThanOrEqual(4);
    const blocks = result
      .tsv!.split('\n')
      .filter((row) => row.startsWith('2\t'))
      .map((row) => Number(row.split('\t')[2]));
    expect(blocks).toEqual(blocks.map((_, index) => index + 1));
    expect(result.text.indexOf('Town budget')).toBeLessThan(result.text.indexOf('committee'));
    expect(result.text.indexOf('storm')).toBeLessThan(result.text.indexOf('printer toner'));
  });
});
