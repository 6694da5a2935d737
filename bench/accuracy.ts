/**
 * Accuracy benchmark: character and word error rates, per category and overall, of (a) raw tesseract.js
 * on the original image with its defaults and (b) the service's pipeline (preprocessing + engine), over
 * the labelled corpus (`<name>.png|jpg`, `<name>.txt`, optional `<name>.lang`; category = name up to `_`).
 *
 *   npm run bench:accuracy                          # ../shared/corpus
 *   CORPUS_DIR=/path/to/corpus npm run bench:accuracy
 *   VERBOSE=1 npm run bench:accuracy                # one line per image, with what preprocessing measured
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { createLanguageCatalog } from '../src/ocr/languages.js';
import { createOcrPipeline } from '../src/ocr/pipeline.js';
import { createTesseractEngine } from '../src/ocr/tesseract-engine.js';
import { characterErrorRate, wordErrorRate } from '../test/helpers/error-rate.js';
import { ROOT } from '../test/helpers/service.js';

interface Sample {
  name: string;
  category: string;
  lang: string;
  image: Buffer;
  text: string;
}

interface Score {
  cer: number;
  wer: number;
}

const corpusDir = process.env.CORPUS_DIR ?? path.resolve(ROOT, '../shared/corpus');
const verbose = Boolean(process.env.VERBOSE);

function loadSamples(): Sample[] {
  if (!fs.existsSync(corpusDir)) throw new Error(`No corpus at ${corpusDir}: set CORPUS_DIR.`);
  const sibling = (file: string, extension: string) => path.join(corpusDir, file.replace(/\.\w+$/, extension));
  return fs
    .readdirSync(corpusDir)
    .filter((file) => /\.(png|jpe?g)$/i.test(file) && fs.existsSync(sibling(file, '.txt')))
    .sort()
    .map((file) => ({
      name: file,
      category: file.split('_')[0]!,
      lang: fs.existsSync(sibling(file, '.lang')) ? fs.readFileSync(sibling(file, '.lang'), 'utf8').trim() : 'eng',
      image: fs.readFileSync(path.join(corpusDir, file)),
      text: fs.readFileSync(sibling(file, '.txt'), 'utf8'),
    }));
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

async function main(): Promise<void> {
  const samples = loadSamples();
  const catalog = createLanguageCatalog();
  const logger = pino({ level: 'silent' });
  const engine = createTesseractEngine({ catalog, workersPerLanguageSet: 1, maxLanguageSets: 8, jobTimeoutMs: 120_000, logger });
  const pipeline = createOcrPipeline({ engine, maxPixels: 40_000_000 });
  // Raw tesseract.js: its defaults, the original bytes, nothing of ours in between.
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

  const byCategory = new Map<string, { raw: Score[]; service: Score[] }>();
  const elapsedMs = { raw: 0, service: 0 };
  for (const sample of samples) {
    const worker = await rawWorker(sample.lang);
    let started = performance.now();
    const raw = score(sample.text, (await worker.recognize(sample.image)).data.text);
    elapsedMs.raw += performance.now() - started;
    started = performance.now();
    const result = await pipeline.run({ image: sample.image, lang: sample.lang, preprocess: true, outputs: [] });
    elapsedMs.service += performance.now() - started;
    const service = score(sample.text, result.text);
    const entry = byCategory.get(sample.category) ?? { raw: [], service: [] };
    entry.raw.push(raw);
    entry.service.push(service);
    byCategory.set(sample.category, entry);
    if (verbose) {
      const {
        lineHeight,
        impulseNoise,
        backgroundGrain,
        backgroundSpread,
        columns,
        inverted,
        denoised,
        scale,
        deskewRadians,
        thresholding_method,
      } = result.preprocessing!;
      console.log(
        `${sample.name.padEnd(28)} raw ${percent(raw.cer).padStart(8)} service ${percent(service.cer).padStart(8)}  ` +
          `line ${lineHeight}px x${scale.toFixed(2)} noise ${impulseNoise.toFixed(4)}${denoised ? ' (median)' : ''} grain ${backgroundGrain.toFixed(3)} ` +
          `background spread ${backgroundSpread}${inverted ? ' inverted' : ''}${columns > 1 ? ` ${columns} columns` : ''} ` +
          `psm ${result.psm} thresholding_method ${thresholding_method} deskew ${((deskewRadians * 180) / Math.PI).toFixed(1)}° confidence ${result.confidence.toFixed(0)}`,
      );
    }
  }
  await engine.close();
  await Promise.all([...rawWorkers.values()].map((worker) => worker.terminate()));

  const rows = [...byCategory].map(([category, scores]) => ({ category, count: scores.raw.length, ...scores }));
  const all = { category: '**all**', count: samples.length, raw: rows.flatMap((row) => row.raw), service: rows.flatMap((row) => row.service) };
  console.log(`\n${samples.length} images from ${corpusDir}; error rates are means over the images of each category.\n`);
  printTable([...rows, all]);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`\nTime on warm workers, one image at a time: raw ${seconds(elapsedMs.raw)}, service ${seconds(elapsedMs.service)}.`);
}

await main();
