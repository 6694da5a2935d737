import type { Sample } from '../../test/helpers/corpus.js';
import { addCellScores, readsWorseThanRaw, WORSE_THAN_RAW, type CellScore } from '../../test/helpers/layout-scores.js';

export interface Score {
  cer: number;
  wer: number;
}

/** How one page read: raw tesseract.js with its defaults, raw at PSM 3, and the service. */
export interface PageScores {
  sample: Sample;
  raw: Score;
  psm3: Score;
  service: Score;
  /** The page's table cells the service gave exactly, when the page has tables. */
  cells?: CellScore;
  /** Tables the service found on a page that has none. */
  unexpectedTables: number;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
export const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

function change(raw: number, service: number): string {
  if (raw === 0) return service === 0 ? '=' : 'worse';
  if (Math.abs(service - raw) < 0.0005) return '=';
  const relative = (service - raw) / raw;
  return `${relative <= 0 ? '−' : '+'}${Math.abs(relative * 100).toFixed(0)} %`;
}

/** A difference of error rates in percentage points, signed. */
function points(raw: number, service: number): string {
  const difference = (service - raw) * 100;
  if (Math.abs(difference) < 0.05) return '=';
  return `${difference < 0 ? '−' : '+'}${Math.abs(difference).toFixed(1)}`;
}

/** Pages grouped by category, in order of first appearance, then all of them as `**all**`. */
function byCategory<T extends { sample: Sample }>(pages: readonly T[]): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const page of pages) groups.set(page.sample.category, [...(groups.get(page.sample.category) ?? []), page]);
  return [...groups, ['**all**', [...pages]]];
}

function printErrorRates(pages: readonly PageScores[]): void {
  console.log(
    '| category | images | CER raw | CER raw PSM 3 | CER service | CER change | service − PSM 3 (points) | WER raw | WER raw PSM 3 | WER service |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [category, group] of byCategory(pages)) {
    const [raw, psm3, service] = (['raw', 'psm3', 'service'] as const).map((pass) => ({
      cer: mean(group.map((page) => page[pass].cer)),
      wer: mean(group.map((page) => page[pass].wer)),
    })) as [Score, Score, Score];
    console.log(
      `| ${category} | ${group.length} | ${percent(raw.cer)} | ${percent(psm3.cer)} | ${percent(service.cer)} | ${change(raw.cer, service.cer)} | ` +
        `${points(psm3.cer, service.cer)} | ${percent(raw.wer)} | ${percent(psm3.wer)} | ${percent(service.wer)} |`,
    );
  }
}

function printWorseThanRaw(pages: readonly PageScores[]): void {
  const worse = pages.filter((page) => readsWorseThanRaw(page.service.cer, page.psm3.cer));
  console.log(`\nPages the service reads more than ${WORSE_THAN_RAW * 100} points of CER worse than raw PSM 3: ${worse.length} of ${pages.length}.`);
  for (const { sample, service, psm3 } of worse) console.log(`  ${sample.name}: service ${percent(service.cer)}, raw PSM 3 ${percent(psm3.cer)}`);
}

function printTableCells(pages: readonly PageScores[]): void {
  const withTables = pages.filter((page): page is PageScores & { cells: CellScore } => page.cells !== undefined);
  if (withTables.length === 0) return;
  console.log('\nTable cells the service gives exactly in `result.tables` (cell by cell, header included, whitespace collapsed):\n');
  console.log('| category | pages | cells | exact |');
  console.log('|---|---|---|---|');
  for (const [category, group] of byCategory(withTables)) {
    const { exact, total } = addCellScores(group.map((page) => page.cells));
    console.log(`| ${category} | ${group.length} | ${total} | ${percent(exact / Math.max(1, total))} |`);
  }
  const spurious = pages.filter((page) => page.unexpectedTables > 0);
  console.log(
    `\nPages without a table that came back with tables: ${spurious.length} of ${pages.length - withTables.length}` +
      (spurious.length > 0 ? ` (${spurious.map((page) => `${page.sample.name}: ${page.unexpectedTables}`).join(', ')}).` : '.'),
  );
}

/** One corpus's tables: error rates per category, the pages read worse than raw PSM 3, and table cells. */
export function printCorpusReport(corpusDir: string, pages: readonly PageScores[]): void {
  console.log(`\n${pages.length} images from ${corpusDir}; error rates are means over the images of each category.\n`);
  printErrorRates(pages);
  printWorseThanRaw(pages);
  printTableCells(pages);
}
