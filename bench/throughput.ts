/**
 * Throughput benchmark: the service end to end (HTTP upload → queue → warm worker pool → store → result)
 * against raw tesseract.js with the same number of warm workers, over the same images, in one run.
 *
 *   npm run bench                      # images from ../shared/corpus, or generated ones when it is absent
 *   CORPUS_DIR=/path BENCH_IMAGES=30 npm run bench
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createScheduler, createWorker, OEM } from 'tesseract.js';
import { createLanguageCatalog } from '../src/ocr/languages.js';
import { PSM_SINGLE_BLOCK } from '../src/ocr/page-segmentation.js';
import { upload, waitForResult } from '../test/helpers/client.js';
import { characterErrorRate } from '../test/helpers/error-rate.js';
import { renderTextImage } from '../test/helpers/images.js';
import { ROOT, startService } from '../test/helpers/service.js';

interface Sample {
  name: string;
  image: Buffer;
  text: string;
}

interface Run {
  label: string;
  wallMs: number;
  latenciesMs: number[];
  texts: string[];
}

const workers = Number(process.env.OCR_CONCURRENCY ?? os.availableParallelism());
const corpusDir = process.env.CORPUS_DIR ?? path.resolve(ROOT, '../shared/corpus');
const limit = Number(process.env.BENCH_IMAGES ?? 40);

async function loadSamples(): Promise<Sample[]> {
  if (fs.existsSync(corpusDir)) {
    return fs
      .readdirSync(corpusDir)
      .filter((file) => /\.(png|jpe?g)$/.test(file) && !fs.existsSync(path.join(corpusDir, file.replace(/\.\w+$/, '.lang'))))
      .sort()
      .slice(0, limit)
      .map((file) => ({
        name: file,
        image: fs.readFileSync(path.join(corpusDir, file)),
        text: fs.readFileSync(path.join(corpusDir, file.replace(/\.\w+$/, '.txt')), 'utf8'),
      }));
  }
  return Promise.all(
    Array.from({ length: limit }, async (_, i) => {
      const text = `Benchmark page ${i}: the quick brown fox jumps over the lazy dog.\nInvoice ${1000 + i}, total ${(i * 13.7).toFixed(2)} EUR.`;
      return { name: `generated-${i}`, image: await renderTextImage(text), text };
    }),
  );
}

async function runRawTesseract(samples: Sample[]): Promise<Run> {
  const { langPath } = createLanguageCatalog();
  const scheduler = createScheduler();
  for (let i = 0; i < workers; i += 1) {
    const worker = await createWorker('eng', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
    await worker.setParameters({ tessedit_pageseg_mode: String(PSM_SINGLE_BLOCK) as never, preserve_interword_spaces: '1' });
    scheduler.addWorker(worker);
  }
  const started = performance.now();
  const latenciesMs: number[] = [];
  const texts = await Promise.all(
    samples.map(async ({ image }) => {
      const result = await scheduler.addJob('recognize', image);
      latenciesMs.push(performance.now() - started);
      return result.data.text;
    }),
  );
  const wallMs = performance.now() - started;
  await scheduler.terminate();
  return { label: `raw tesseract.js, ${workers} warm workers`, wallMs, latenciesMs, texts };
}

async function runService(samples: Sample[]): Promise<Run> {
  const service = await startService({ OCR_CONCURRENCY: String(workers), LOG_LEVEL: 'warn' });
  try {
    const started = performance.now();
    const latenciesMs: number[] = [];
    const texts = await Promise.all(
      samples.map(async ({ image }) => {
        const { body } = await upload(service.url, image);
        const done = await waitForResult(service.url, body.task_id as string);
        latenciesMs.push(performance.now() - started);
        return done.result?.text ?? '';
      }),
    );
    return { label: `service over HTTP (MODE=all), OCR_CONCURRENCY=${workers}`, wallMs: performance.now() - started, latenciesMs, texts };
  } finally {
    await service.stop();
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

function report(samples: Sample[], runs: Run[]): void {
  const rows = runs.map((run) => {
    const cer = samples.reduce((sum, sample, i) => sum + characterErrorRate(sample.text, run.texts[i] ?? ''), 0) / samples.length;
    return {
      engine: run.label,
      images: samples.length,
      'images/s': (samples.length / (run.wallMs / 1000)).toFixed(2),
      'wall s': (run.wallMs / 1000).toFixed(1),
      'p50 done s': (percentile(run.latenciesMs, 50) / 1000).toFixed(1),
      'p95 done s': (percentile(run.latenciesMs, 95) / 1000).toFixed(1),
      'mean CER %': (cer * 100).toFixed(2),
    };
  });
  console.table(rows);
  const [raw, service] = runs;
  if (raw && service) console.log(`service throughput is ${((raw.wallMs / service.wallMs) * 100).toFixed(0)} % of raw tesseract.js`);
}

const samples = await loadSamples();
console.log(`${samples.length} images from ${fs.existsSync(corpusDir) ? corpusDir : 'generated pages'}; ${workers} workers each`);
const raw = await runRawTesseract(samples);
const service = await runService(samples);
report(samples, [raw, service]);
