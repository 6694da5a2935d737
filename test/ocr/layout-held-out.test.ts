import { fileURLToPath } from 'node:url';
import { PSM } from 'tesseract.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { PipelineResult } from '../../src/ocr/pipeline.js';
import { loadSamples, type Sample } from '../helpers/corpus.js';
import { characterErrorRate } from '../helpers/error-rate.js';
import { addCellScores, readsWorseThanRaw, scoreTableCells, WORSE_THAN_RAW } from '../helpers/layout-scores.js';
import { createLocalPipeline } from '../helpers/ocr-pipeline.js';
import { createRawReader } from '../helpers/raw-tesseract.js';

/** Pages of a seed no rule is tuned on (test/fixtures/layouts/README.md): a rule fitted to the seeds it was tuned on shows here. */
const PAGES = loadSamples(fileURLToPath(new URL('../fixtures/layouts/', import.meta.url)));
/** The share of table cells the service must give exactly, cell by cell, header included. */
const TABLE_CELLS_EXACT = 0.97;

const { catalog, engine, pipeline } = createLocalPipeline({ maxLanguageSets: 1, jobTimeoutMs: 60_000 });
// Raw tesseract.js at PSM 3 (its own layout analysis, as its command line reads a page): what a user would get without us.
const raw = createRawReader(catalog.langPath, PSM.AUTO);
afterAll(() => Promise.all([engine.close(), raw.close()]));

interface Read {
  service: PipelineResult;
  serviceCer: number;
  rawCer: number;
}

const reads = new Map<string, Promise<Read>>();
/** Each page is read once by each, whichever test asks first. */
function read(sample: Sample): Promise<Read> {
  let done = reads.get(sample.name);
  if (!done) {
    done = (async () => {
      const rawText = await raw.read(sample.image, sample.lang);
      const service = await pipeline.run({ image: sample.image, mediaType: 'image/png', lang: sample.lang, preprocess: true, outputs: [] });
      return { service, serviceCer: characterErrorRate(sample.text, service.text), rawCer: characterErrorRate(sample.text, rawText) };
    })();
    reads.set(sample.name, done);
  }
  return done;
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

describe('layout pages of a seed no rule was tuned on', () => {
  it('are all there: every layout category with columns, a headline or a table', () => {
    expect(new Set(PAGES.map((page) => page.category))).toEqual(new Set(['col2', 'col3', 'headline', 'table', 'invoice', 'mixed']));
    expect(PAGES.filter((page) => page.tables).map((page) => page.category)).toEqual(['invoice', 'mixed', 'mixed', 'table']);
  });

  it.each(PAGES.map((page) => [page.name, page] as const))(
    `%s reads no more than ${WORSE_THAN_RAW * 100} points of CER worse than raw tesseract.js at PSM 3`,
    async (name, page) => {
      const { serviceCer, rawCer } = await read(page);
      console.log(`${name}: CER service ${percent(serviceCer)}, raw PSM 3 ${percent(rawCer)}`);
      expect(readsWorseThanRaw(serviceCer, rawCer), `${name}: service ${percent(serviceCer)}, raw PSM 3 ${percent(rawCer)}`).toBe(false);
    },
  );

  it(`gives at least ${TABLE_CELLS_EXACT * 100} % of the table pages' cells exactly in result.tables`, async () => {
    const tablePages = PAGES.filter((page): page is Sample & Required<Pick<Sample, 'tables'>> => page.tables !== undefined);
    const scores = await Promise.all(tablePages.map(async (page) => scoreTableCells(page.tables, (await read(page)).service.tables)));
    const perPage = tablePages.map((page, index) => `${page.name}: ${scores[index]!.exact} of ${scores[index]!.total}`).join(', ');
    console.log(`table cells given exactly: ${perPage}`);
    const { exact, total } = addCellScores(scores);
    expect(exact / total, `cells given exactly: ${perPage}`).toBeGreaterThanOrEqual(TABLE_CELLS_EXACT);
  });
});
