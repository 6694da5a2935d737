/**
 * Accuracy benchmark: character and word error rates, per category and overall, of raw tesseract.js on the original
 * image (with its defaults, and at PSM 3, its own layout analysis) and of the service's pipeline (preprocessing +
 * engine), over labelled corpora (`<name>.png|jpg`, `<name>.txt`, optional `<name>.lang`; category = name up to `_`).
 * A page with `<name>.expect-lang` instead of `.lang` is read by the service with `lang=auto` (raw reads it in
 * English), and a page whose `manifest.tsv` row says `rotate=<degrees>` was turned that far clockwise: the language
 * and the turn the service found (clockwise, to read it upright) are printed against those truths. A page with
 * `<name>.tables.json` has its table cells scored against the service's `result.tables`.
 *
 *   npm run bench:accuracy                               # ../shared/corpus, ../shared/corpus2 and ../shared/corpus3
 *   CORPUS_DIR=/path/to/corpus npm run bench:accuracy    # one corpus, or several separated by commas
 *   LAYOUT_SEEDS=21,22 LAYOUT_PAGES=100 npm run bench:accuracy   # layout pages drawn with those seeds (with CORPUS_DIR's, if set)
 *   VERBOSE=1 npm run bench:accuracy                     # one line per image, with what preprocessing measured
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PSM } from 'tesseract.js';
import { mediaTypeOf, requireUploadType } from '../src/intake/media-type.js';
import { AUTO_LANGUAGE } from '../src/ocr/engine/languages.js';
import type { OcrPipeline, PipelineResult } from '../src/ocr/pipeline.js';
import { loadSamples, type Sample } from '../test/helpers/corpus.js';
import { characterErrorRate, wordErrorRate } from '../test/helpers/error-rate.js';
import { scoreTableCells } from '../test/helpers/layout-scores.js';
import { createLocalPipeline } from '../test/helpers/ocr-pipeline.js';
import { createRawReader, type RawReader } from '../test/helpers/raw-tesseract.js';
import { ROOT } from '../test/helpers/service.js';
import { drawLayoutPages, layoutSeedsOfEnvironment } from './accuracy/layout-seeds.js';
import { percent, printCorpusReport, type PageScores, type Score } from './accuracy/report.js';

const layouts = layoutSeedsOfEnvironment(process.env);
const defaultCorpora = layouts.seeds.length > 0 ? [] : ['corpus', 'corpus2', 'corpus3'].map((dir) => path.resolve(ROOT, '../shared', dir));
const corpusDirs = [...(process.env.CORPUS_DIR?.split(',').filter(Boolean) ?? defaultCorpora), ...drawLayoutPages(layouts.seeds, layouts.pages)];
const verbose = Boolean(process.env.VERBOSE);

const score = (reference: string, hypothesis: string): Score => ({
  cer: characterErrorRate(reference, hypothesis),
  wer: wordErrorRate(reference, hypothesis),
});

/** Lines left blank in a text: the corpora's texts have none, so each is a blank line not on the page. */
const blankLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((line) => line.trim() === '').length;

type Pass = 'raw' | 'psm3' | 'service';

interface Readers {
  pipeline: OcrPipeline;
  raw: RawReader;
  psm3: RawReader;
}

/** Runs a read and adds its time to the pass's. */
async function timed<T>(elapsedMs: Record<Pass, number>, pass: Pass, read: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await read();
  elapsedMs[pass] += performance.now() - started;
  return result;
}

const noTime = (): Record<Pass, number> => ({ raw: 0, psm3: 0, service: 0 });

function printVerbose(sample: Sample, page: PageScores, result: PipelineResult, ms: Record<Pass, number>): void {
  const { lineHeight, impulseNoise, backgroundGrain, backgroundSpread, inverted, denoised, scale, deskewRadians, thresholding_method } =
    result.preprocessing!;
  console.log(
    `${sample.name.padEnd(28)} raw ${percent(page.raw.cer).padStart(8)} PSM 3 ${percent(page.psm3.cer).padStart(8)} service ${percent(page.service.cer).padStart(8)}  ` +
      `line ${lineHeight}px x${scale.toFixed(2)} noise ${impulseNoise.toFixed(4)}${denoised ? ' (median)' : ''} grain ${backgroundGrain.toFixed(3)} ` +
      `background spread ${backgroundSpread}${inverted ? ' inverted' : ''} regions ${result.regions.map((region) => region.type).join('+')} ` +
      `psm ${result.psm} thresholding_method ${thresholding_method} deskew ${((deskewRadians * 180) / Math.PI).toFixed(1)}° ` +
      `turned ${result.rotation}° lang ${result.lang} confidence ${result.confidence.toFixed(0)}` +
      (page.cells ? ` table cells ${page.cells.exact} of ${page.cells.total}` : '') +
      ` time raw ${ms.raw.toFixed(0)} ms PSM 3 ${ms.psm3.toFixed(0)} ms service ${ms.service.toFixed(0)} ms`,
  );
}

/** A sample's media type, found from its bytes as the service's upload check finds it. */
const uploadMediaType = (image: Buffer): string => mediaTypeOf(requireUploadType(image));

async function benchCorpus(corpusDir: string, { pipeline, raw, psm3 }: Readers): Promise<void> {
  const samples = loadSamples(corpusDir);
  const pages: PageScores[] = [];
  const elapsedMs = noTime();
  const blank = noTime();
  const found: string[] = [];
  const tally = { turned: 0, turnedRight: 0, uprightTurned: 0, auto: 0, autoRight: 0 };
  for (const sample of samples) {
    const rawLang = sample.lang === AUTO_LANGUAGE ? 'eng' : sample.lang;
    const ms = noTime();
    const rawText = await timed(ms, 'raw', () => raw.read(sample.image, rawLang));
    const psm3Text = await timed(ms, 'psm3', () => psm3.read(sample.image, rawLang));
    const result = await timed(ms, 'service', () =>
      pipeline.run({ image: sample.image, mediaType: uploadMediaType(sample.image), lang: sample.lang, preprocess: true, outputs: [] }),
    );
    const page: PageScores = {
      sample,
      raw: score(sample.text, rawText),
      psm3: score(sample.text, psm3Text),
      service: score(sample.text, result.text),
      ...(sample.tables && { cells: scoreTableCells(sample.tables, result.tables) }),
      unexpectedTables: sample.tables ? 0 : (result.tables?.length ?? 0),
    };
    pages.push(page);
    for (const pass of ['raw', 'psm3', 'service'] as const) elapsedMs[pass] += ms[pass];
    blank.raw += blankLines(rawText);
    blank.psm3 += blankLines(psm3Text);
    blank.service += blankLines(result.text);
    if (sample.expectedRotation !== 0 || result.rotation !== 0) {
      if (sample.expectedRotation !== 0) tally.turned += 1;
      if (sample.expectedRotation !== 0 && result.rotation === sample.expectedRotation) tally.turnedRight += 1;
      if (sample.expectedRotation === 0) tally.uprightTurned += 1;
      found.push(
        `${sample.name}: turned ${sample.expectedRotation}° to read it upright, found ${result.rotation}°, CER ${percent(page.service.cer)}`,
      );
    }
    if (sample.expectedLang) {
      tally.auto += 1;
      if (result.lang === sample.expectedLang) tally.autoRight += 1;
      found.push(`${sample.name}: lang=auto, language ${sample.expectedLang}, found ${result.lang}, CER ${percent(page.service.cer)}`);
    }
    if (verbose) printVerbose(sample, page, result, ms);
  }

  printCorpusReport(corpusDir, pages);
  if (found.length > 0) console.log(`\n${found.join('\n')}`);
  console.log(
    `\nTurned pages read at the right turn: ${tally.turnedRight} of ${tally.turned}; upright pages turned: ${tally.uprightTurned}. ` +
      `Language found by lang=auto: ${tally.autoRight} of ${tally.auto}. Blank lines (the texts have none; the service's fall between columns): ` +
      `raw ${blank.raw}, raw PSM 3 ${blank.psm3}, service ${blank.service}.`,
  );
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `Time on warm workers, one image at a time: raw ${seconds(elapsedMs.raw)}, raw PSM 3 ${seconds(elapsedMs.psm3)}, service ${seconds(elapsedMs.service)}.`,
  );
}

async function main(): Promise<void> {
  const { catalog, engine, pipeline } = createLocalPipeline({ maxLanguageSets: 8, jobTimeoutMs: 120_000 });
  // Raw tesseract.js: the original bytes, nothing of ours in between (and English for lang=auto).
  const readers = { pipeline, raw: createRawReader(catalog.langPath), psm3: createRawReader(catalog.langPath, PSM.AUTO) };
  for (const corpusDir of corpusDirs) await benchCorpus(corpusDir, readers);
  await Promise.all([engine.close(), readers.raw.close(), readers.psm3.close()]);
}

await main();
