/**
 * Orientation benchmark: pictures with a little text (charts, maps, photograph-like scenes, screenshots), all upright,
 * drawn by `bench/orientation/draw-pictures.ts` and saved in every encoding of its ENCODINGS, read by the service's
 * pipeline. Prints, per kind of picture and overall, how many pictures were turned, how many read at different turns
 * or texts more than 2 points of CER apart in their encodings, and the mean CER per encoding (against the texts
 * drawn, in drawing order, so scattered labels count as misordered: the figure to compare is the spread).
 *
 *   PATH=/usr/bin:$PATH npm run bench:orientation                        # seeds 1 to 4, 28 pictures each
 *   ORIENTATION_SEEDS=5,6 ORIENTATION_PICTURES=28 PATH=/usr/bin:$PATH npm run bench:orientation
 *   VERBOSE=1 …                                                          # one line per picture and encoding
 *
 * Then the labelled pages of ../shared/corpus and ../shared/corpus3 (or PAGES_DIR, folders separated by commas), each
 * read as it is (none may be turned) and turned by 90°, 180° or 270° in turn (each must be read at the turn back).
 * PAGES=even or PAGES=odd takes every other page only (the tuning half and the held-out half).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { mediaTypeOf, requireUploadType } from '../src/intake/media-type.js';
import type { OcrPipeline, PipelineResult } from '../src/ocr/pipeline.js';
import sharp from 'sharp';
import { loadSamples } from '../test/helpers/corpus.js';
import { characterErrorRate } from '../test/helpers/error-rate.js';
import { ROOT } from '../test/helpers/service.js';
import { createLocalPipeline } from '../test/helpers/ocr-pipeline.js';
import { drawPictures, ENCODINGS, KINDS } from './orientation/draw-pictures.js';
import { percent } from './accuracy/report.js';

const seeds = (process.env.ORIENTATION_SEEDS ?? '1,2,3,4').split(',').filter(Boolean).map(Number);
const perSeed = Number(process.env.ORIENTATION_PICTURES ?? 28);
const verbose = Boolean(process.env.VERBOSE);
const pageDirs = (process.env.PAGES_DIR ?? ['corpus', 'corpus3'].map((dir) => path.resolve(ROOT, '../shared', dir)).join(','))
  .split(',')
  .filter(Boolean);
const pageHalf = process.env.PAGES;
/** Texts of one picture further apart than this in CER, from one encoding to another, are a failure. */
const MAX_CER_SPREAD = 0.02;
/** Outside the repository, kept for the next run: the generator is deterministic for a seed and a count. */
const DRAWN_DIR = path.join(os.tmpdir(), 'image-ocr-app-orientation');

const encodings = Object.keys(ENCODINGS);

interface PictureScores {
  name: string;
  kind: string;
  rotations: number[];
  cers: number[];
}

function picturesOfSeed(seed: number): string {
  const folder = path.join(DRAWN_DIR, `seed-${seed}-n${perSeed}`);
  const done = path.join(folder, '.complete');
  if (!fs.existsSync(done)) {
    console.log(`Drawing ${perSeed} pictures with seed ${seed} into ${folder}…`);
    drawPictures(folder, seed, perSeed);
    fs.writeFileSync(done, '');
  }
  return folder;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function printTable(pictures: readonly PictureScores[], seconds: number, reads: number): void {
  const spread = (values: number[]) => Math.max(...values) - Math.min(...values);
  const rows = [...KINDS.map((kind) => [kind, pictures.filter((picture) => picture.kind === kind)] as const), ['**all**', pictures] as const];
  console.log(
    `\n| kind | pictures | reads | turned | turns differing | CER spread > 2 points | largest CER spread | ${encodings.map((e) => `CER ${e}`).join(' | ')} |`,
  );
  console.log(`|---|---|---|---|---|---|---|${encodings.map(() => '---|').join('')}`);
  for (const [kind, group] of rows) {
    const turned = sum(group.map((picture) => picture.rotations.filter((rotation) => rotation !== 0).length));
    const differing = group.filter((picture) => new Set(picture.rotations).size > 1).length;
    const apart = group.filter((picture) => spread(picture.cers) > MAX_CER_SPREAD).length;
    const largest = Math.max(0, ...group.map((picture) => spread(picture.cers)));
    const means = encodings.map((_, at) => percent(sum(group.map((picture) => picture.cers[at]!)) / Math.max(1, group.length)));
    console.log(
      `| ${kind} | ${group.length} | ${group.length * encodings.length} | ${turned} | ${differing} | ${apart} | ${(largest * 100).toFixed(1)} | ${means.join(' | ')} |`,
    );
  }
  console.log(
    `\n${reads} reads in ${seconds.toFixed(1)} s on one warm worker, one image at a time (${((seconds * 1000) / reads).toFixed(0)} ms a read).`,
  );
}

const read = (pipeline: OcrPipeline, image: Buffer): Promise<PipelineResult> =>
  pipeline.run({ image, mediaType: mediaTypeOf(requireUploadType(image)), lang: 'eng', preprocess: true, outputs: [] });

const evidenceOf = (result: PipelineResult) => JSON.stringify(result.preprocessing?.orientation ?? {});

async function benchPictures(pipeline: OcrPipeline): Promise<void> {
  const pictures: PictureScores[] = [];
  let spentMs = 0;
  for (const seed of seeds) {
    const folder = picturesOfSeed(seed);
    const names = fs
      .readdirSync(folder)
      .filter((file) => file.endsWith('.txt'))
      .map((file) => file.slice(0, -4))
      .sort();
    for (const name of names) {
      const truth = fs.readFileSync(path.join(folder, `${name}.txt`), 'utf8');
      const picture: PictureScores = { name, kind: name.split('_')[0]!, rotations: [], cers: [] };
      for (const encoding of encodings) {
        const started = performance.now();
        const result = await read(pipeline, fs.readFileSync(path.join(folder, `${name}.${encoding}`)));
        spentMs += performance.now() - started;
        picture.rotations.push(result.rotation);
        picture.cers.push(characterErrorRate(truth, result.text));
        if (verbose) {
          console.log(
            `${name.padEnd(16)} ${encoding.padEnd(12)} turned ${String(result.rotation).padStart(3)}° rotation confidence ${result.rotationConfidence.toFixed(2)} ` +
              `confidence ${result.confidence.toFixed(0).padStart(3)} CER ${percent(picture.cers.at(-1)!).padStart(7)} ${evidenceOf(result)}`,
          );
        }
      }
      pictures.push(picture);
    }
  }
  printTable(pictures, spentMs / 1000, pictures.length * encodings.length);
}

/** Turns each labelled page 90°, 180° and 270° in turn, reads it upright and turned, and counts the turns found. */
async function benchPages(pipeline: OcrPipeline): Promise<void> {
  const tally = { upright: 0, uprightTurned: 0, turned: 0, turnedRight: 0, cerUpright: 0, cerTurned: 0 };
  const wrong: string[] = [];
  for (const dir of pageDirs) {
    const samples = loadSamples(dir).filter(
      (sample, index) => sample.expectedRotation === 0 && (pageHalf === undefined || index % 2 === (pageHalf === 'odd' ? 1 : 0)),
    );
    for (const [index, sample] of samples.entries()) {
      const turn = ([90, 180, 270] as const)[index % 3]!;
      const upright = await read(pipeline, sample.image);
      const turned = await read(pipeline, await sharp(sample.image).rotate(turn).png().toBuffer());
      const back = (360 - turn) % 360;
      tally.upright += 1;
      tally.turned += 1;
      tally.cerUpright += characterErrorRate(sample.text, upright.text);
      tally.cerTurned += characterErrorRate(sample.text, turned.text);
      if (upright.rotation !== 0) {
        tally.uprightTurned += 1;
        wrong.push(`${sample.name} upright: turned ${upright.rotation}° ${evidenceOf(upright)}`);
      }
      if (turned.rotation === back) tally.turnedRight += 1;
      else wrong.push(`${sample.name} turned ${turn}°: read at ${turned.rotation}° ${evidenceOf(turned)}`);
      if (verbose) console.log(`${sample.name.padEnd(28)} turned ${turn}° upright ${evidenceOf(upright)} turned ${evidenceOf(turned)}`);
    }
  }
  if (wrong.length > 0) console.log(`\n${wrong.join('\n')}`);
  console.log(
    `\nLabelled pages (${pageDirs.map((dir) => path.basename(dir)).join(', ')}${pageHalf ? `, ${pageHalf} half` : ''}): upright pages turned ${tally.uprightTurned} of ${tally.upright}, ` +
      `mean CER ${percent(tally.cerUpright / Math.max(1, tally.upright))}; turned pages read at the right turn ${tally.turnedRight} of ${tally.turned}, ` +
      `mean CER ${percent(tally.cerTurned / Math.max(1, tally.turned))}.`,
  );
}

async function main(): Promise<void> {
  const { engine, pipeline } = createLocalPipeline({ maxLanguageSets: 2, jobTimeoutMs: 120_000 });
  if (seeds.length > 0) await benchPictures(pipeline);
  if (pageDirs.length > 0) await benchPages(pipeline);
  await engine.close();
}

await main();
