/**
 * Accuracy benchmark: character and word error rates, per category and overall, of (a) raw tesseract.js
 * on the original image with its defaults and (b) the service's pipeline (preprocessing + engine), over
 * labelled corpora (`<name>.png|jpg`, `<name>.txt`, optional `<name>.lang`; category = name up to `_`).
 * A page with `<name>.expect-lang` instead of `.lang` is read by the service with `lang=auto` (raw reads it in
 * English), and a page whose `manifest.tsv` row says `rotate=<degrees>` was turned that far clockwise: the language
 * and the turn the service found (clockwise, to read it upright) are printed against those truths.
 *
 *   npm run bench:accuracy                          # ../shared/corpus and ../shared/corpus2
 *   CORPUS_DIR=/path/to/corpus npm run bench:accuracy   # one corpus, or several separated by commas
 *   VERBOSE=1 npm run bench:accuracy                # one line per image, with what preprocessing measured
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { AUTO_LANGUAGE, createLanguageCatalog } from '../src/ocr/languages.js';
import { createLanguageIdentifier } from '../src/ocr/language-identification.js';
import { createOcrPipeline, type OcrPipeline } from '../src/ocr/pipeline.js';
import { createTesseractEngine } from '../src/ocr/tesseract-engine.js';
import { characterErrorRate, wordErrorRate } from '../test/helpers/error-rate.js';
import { ROOT } from '../test/helpers/service.js';

interface Sample {
  name: string;
  category: string;
  /** What the service is asked for: a language set, or `auto`. */
  lang: string;
  /** The page's language, when the service is to find it. */
  expectedLang?: string;
  /** Degrees clockwise that turn the page upright. */
  expectedRotation: number;
  image: Buffer;
  text: string;
}

interface Score {
  cer: number;
  wer: number;
}

const corpusDirs = (process.env.CORPUS_DIR ?? ['../shared/corpus', '../shared/corpus2'].map((dir) => path.resolve(ROOT, dir)).join(','))
  .split(',')
  .filter(Boolean);
const verbose = Boolean(process.env.VERBOSE);

/**
 * The clockwise quarter turn each image of a corpus was given, from its manifest (`rotate=90.0` in the params; a
 * few degrees are a skew, which the service straightens without reporting a turn).
 */
function turnsOfManifest(corpusDir: string): Map<string, number> {
  const manifest = path.join(corpusDir, 'manifest.tsv');
  if (!fs.existsSync(manifest)) return new Map();
  return new Map(
    fs
      .readFileSync(manifest, 'utf8')
      .split('\n')
      .map((row) => [row.split('\t')[0]!, Number(/rotate=(-?[\d.]+)/.exec(row)?.[1] ?? 0)] as const)
      .map(([file, degrees]) => [file, degrees % 90 === 0 ? degrees : 0] as const),
  );
}

function loadSamples(corpusDir: string): Sample[] {
  if (!fs.existsSync(corpusDir)) throw new Error(`No corpus at ${corpusDir}: set CORPUS_DIR.`);
  const sibling = (file: string, extension: string) => path.join(corpusDir, file.replace(/\.\w+$/, extension));
  const readIfThere = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined);
  const turns = turnsOfManifest(corpusDir);
  return fs
    .readdirSync(corpusDir)
    .filter((file) => /\.(png|jpe?g)$/i.test(file) && fs.existsSync(sibling(file, '.txt')))
    .sort()
    .map((file) => {
      const expectedLang = readIfThere(sibling(file, '.expect-lang'));
      return {
        name: file,
        category: file.split('_')[0]!,
        lang: expectedLang ? AUTO_LANGUAGE : (readIfThere(sibling(file, '.lang')) ?? 'eng'),
        expectedLang,
        expectedRotation: (360 - (turns.get(file) ?? 0)) % 360,
        image: fs.readFileSync(path.join(corpusDir, file)),
        text: fs.readFileSync(sibling(file, '.txt'), 'utf8'),
      };
    });
}

const score = (reference: string, hypothesis: string): Score => ({
  cer: characterErrorRate(reference, hypothesis),
  wer: wordErrorRate(reference, hypothesis),
});

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

function change(raw: number, service: number): string {
  if (raw === 0) return service === 0 ? '=' : 'worse';
  if (Math.abs(service - raw) < 0.0005) return '=';
  const relative = (service - raw) / raw;
  return `${relative <= 0 ? '−' : '+'}${Math.abs(relative * 100).toFixed(0)} %`;
}

function printTable(rows: Array<{ category: string; count: number; raw: Score[]; service: Score[] }>): void {
  console.log('| category | images | CER raw | CER service | CER change | WER raw | WER service |');
  console.log('|---|---|---|---|---|---|---|');
  for (const { category, count, raw, service } of rows) {
    const [rawCer, serviceCer] = [mean(raw.map((s) => s.cer)), mean(service.map((s) => s.cer))];
    const [rawWer, serviceWer] = [mean(raw.map((s) => s.wer)), mean(service.map((s) => s.wer))];
    console.log(
      `| ${category} | ${count} | ${percent(rawCer)} | ${percent(serviceCer)} | ${change(rawCer, serviceCer)} | ${percent(rawWer)} | ${percent(serviceWer)} |`,
    );
  }
}

/** Lines left blank in a text: the corpora's texts have none, so each is a blank line not on the page. */
const blankLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((line) => line.trim() === '').length;

type Raw = (sample: Sample) => Promise<string>;

async function benchCorpus(corpusDir: string, pipeline: OcrPipeline, readRaw: Raw): Promise<void> {
  const samples = loadSamples(corpusDir);
  const byCategory = new Map<string, { raw: Score[]; service: Score[] }>();
  const elapsedMs = { raw: 0, service: 0 };
  const blank = { raw: 0, service: 0 };
  const found: string[] = [];
  const tally = { turned: 0, turnedRight: 0, uprightTurned: 0, auto: 0, autoRight: 0 };
  for (const sample of samples) {
    let started = performance.now();
    const rawText = await readRaw(sample);
    const rawMs = performance.now() - started;
    started = performance.now();
    const result = await pipeline.run({ image: sample.image, lang: sample.lang, preprocess: true, outputs: [] });
    const serviceMs = performance.now() - started;
    elapsedMs.raw += rawMs;
    elapsedMs.service += serviceMs;
    const [raw, service] = [score(sample.text, rawText), score(sample.text, result.text)];
    blank.raw += blankLines(rawText);
    blank.service += blankLines(result.text);
    const entry = byCategory.get(sample.category) ?? { raw: [], service: [] };
    entry.raw.push(raw);
    entry.service.push(service);
    byCategory.set(sample.category, entry);
    if (sample.expectedRotation !== 0 || result.rotation !== 0) {
      if (sample.expectedRotation !== 0) tally.turned += 1;
      if (sample.expectedRotation !== 0 && result.rotation === sample.expectedRotation) tally.turnedRight += 1;
      if (sample.expectedRotation === 0) tally.uprightTurned += 1;
      found.push(`${sample.name}: turned ${sample.expectedRotation}° to read it upright, found ${result.rotation}°, CER ${percent(service.cer)}`);
    }
    if (sample.expectedLang) {
      tally.auto += 1;
      if (result.lang === sample.expectedLang) tally.autoRight += 1;
      found.push(`${sample.name}: lang=auto, language ${sample.expectedLang}, found ${result.lang}, CER ${percent(service.cer)}`);
    }
    if (verbose) {
      const { lineHeight, impulseNoise, backgroundGrain, backgroundSpread, inverted, denoised, scale, deskewRadians, thresholding_method } =
        result.preprocessing!;
      console.log(
        `${sample.name.padEnd(28)} raw ${percent(raw.cer).padStart(8)} service ${percent(service.cer).padStart(8)}  ` +
          `line ${lineHeight}px x${scale.toFixed(2)} noise ${impulseNoise.toFixed(4)}${denoised ? ' (median)' : ''} grain ${backgroundGrain.toFixed(3)} ` +
          `background spread ${backgroundSpread}${inverted ? ' inverted' : ''} regions ${result.regions.map((region) => region.type).join('+')} ` +
          `psm ${result.psm} thresholding_method ${thresholding_method} deskew ${((deskewRadians * 180) / Math.PI).toFixed(1)}° ` +
          `turned ${result.rotation}° lang ${result.lang} confidence ${result.confidence.toFixed(0)} ` +
          `time raw ${rawMs.toFixed(0)} ms service ${serviceMs.toFixed(0)} ms`,
      );
    }
  }

  const rows = [...byCategory].map(([category, scores]) => ({ category, count: scores.raw.length, ...scores }));
  const all = { category: '**all**', count: samples.length, raw: rows.flatMap((row) => row.raw), service: rows.flatMap((row) => row.service) };
  console.log(`\n${samples.length} images from ${corpusDir}; error rates are means over the images of each category.\n`);
  printTable([...rows, all]);
  if (found.length > 0) console.log(`\n${found.join('\n')}`);
  console.log(
    `\nTurned pages read at the right turn: ${tally.turnedRight} of ${tally.turned}; upright pages turned: ${tally.uprightTurned}. ` +
      `Language found by lang=auto: ${tally.autoRight} of ${tally.auto}. Blank lines (the texts have none; the service's fall between columns): raw ${blank.raw}, service ${blank.service}.`,
  );
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`Time on warm workers, one image at a time: raw ${seconds(elapsedMs.raw)}, service ${seconds(elapsedMs.service)}.`);
}

async function main(): Promise<void> {
  const catalog = createLanguageCatalog();
  const logger = pino({ level: 'silent' });
  const engine = createTesseractEngine({ catalog, workersPerLanguageSet: 1, maxLanguageSets: 8, jobTimeoutMs: 120_000, logger });
  const pipeline = createOcrPipeline({ engine, maxPixels: 40_000_000, identifyLanguage: createLanguageIdentifier(catalog.installed) });
  // Raw tesseract.js: its defaults, the original bytes, nothing of ours in between (and English for lang=auto).
  const rawWorkers = new Map<string, Worker>();
  const rawWorker = async (lang: string) => {
    let worker = rawWorkers.get(lang);
    if (!worker) {
      worker = await createWorker(lang.split('+'), OEM.LSTM_ONLY, {
        langPath: catalog.langPath,
        gzip: true,
        cacheMethod: 'none',
        errorHandler: () => {},
      });
      rawWorkers.set(lang, worker);
    }
    return worker;
  };
  const readRaw: Raw = async (sample) => {
    const worker = await rawWorker(sample.lang === AUTO_LANGUAGE ? 'eng' : sample.lang);
    return (await worker.recognize(sample.image)).data.text;
  };
  for (const corpusDir of corpusDirs) await benchCorpus(corpusDir, pipeline, readRaw);
  await engine.close();
  await Promise.all([...rawWorkers.values()].map((worker) => worker.terminate()));
}

await main();
