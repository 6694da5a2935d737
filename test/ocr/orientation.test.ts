import fs from 'node:fs';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { mediaTypeOf, requireUploadType } from '../../src/intake/media-type.js';
import { characterErrorRate } from '../helpers/error-rate.js';
import { createLocalPipeline } from '../helpers/ocr-pipeline.js';

const { engine, pipeline } = createLocalPipeline({ maxLanguageSets: 2, jobTimeoutMs: 60_000 });
afterAll(() => engine.close());

const fixtures = new URL('../fixtures/', import.meta.url);
const fixture = (name: string) => fs.readFileSync(new URL(name, fixtures));
const read = (image: Buffer) => pipeline.run({ image, mediaType: mediaTypeOf(requireUploadType(image)), lang: 'eng', preprocess: true, outputs: [] });

/**
 * Pictures with a little text drawn by bench/orientation/draw-pictures.ts with a seed no threshold was tuned on, each
 * in every encoding it writes: `<picture>.<encoding>` beside `<picture>.txt`, the texts drawn.
 */
const PICTURES = ['chart_97_000', 'map_97_005', 'screen_97_003'];
const encodingsOf = (picture: string) =>
  fs
    .readdirSync(new URL('pictures/', fixtures))
    .filter((file) => file.startsWith(`${picture}.`) && !file.endsWith('.txt'))
    .sort();

/** The reads of every encoding of a picture, and the CER of each against the texts drawn. */
async function readEveryEncoding(picture: string) {
  const truth = fixture(`pictures/${picture}.txt`).toString();
  const encodings = encodingsOf(picture);
  expect(encodings).toHaveLength(7);
  const results = [];
  for (const file of encodings) results.push(await read(fixture(`pictures/${file}`)));
  return {
    encodings,
    rotations: results.map((result) => result.rotation),
    errorRates: results.map((result) => characterErrorRate(truth, result.text)),
  };
}

describe('a page is turned only on evidence', () => {
  it.each(PICTURES.filter((picture) => !picture.startsWith('map')))(
    'reads %s upright in every encoding, to texts within 2 points of CER of each other',
    async (picture) => {
      const { encodings, rotations, errorRates } = await readEveryEncoding(picture);
      expect(rotations).toEqual(encodings.map(() => 0));
      expect(Math.max(...errorRates) - Math.min(...errorRates)).toBeLessThanOrEqual(0.02);
    },
  );

  // Tesseract reads none of its place names with confidence in any encoding, only marks of its background, different
  // in each, which the service leaves out of a picture's text (reading/background-marks.ts): every encoding reads
  // alike.
  it('reads a map upright in every encoding, to texts within 2 points of CER of each other', async () => {
    const { encodings, rotations, errorRates } = await readEveryEncoding('map_97_005');
    expect(rotations).toEqual(encodings.map(() => 0));
    expect(Math.max(...errorRates) - Math.min(...errorRates)).toBeLessThanOrEqual(0.02);
  });

  it.each([
    [90, 270],
    [180, 180],
  ] as const)('reads a page of text scanned turned %i° at the turn back (%i°), sure of it', async (turn, back) => {
    const name = 'corpus/invoice_mono_01.png';
    const turned = await sharp(fixture(name)).rotate(turn).png().toBuffer();
    const result = await read(turned);
    expect(result.rotation).toBe(back);
    expect(result.rotationConfidence).toBe(1);
    expect(characterErrorRate(fixture(name.replace('.png', '.txt')).toString(), result.text)).toBeLessThan(0.02);
  });

  it('leaves an upright page of text upright without looking for evidence', async () => {
    const result = await read(fixture('corpus/invoice_mono_01.png'));
    expect(result).toMatchObject({ rotation: 0, rotationConfidence: 1 });
    expect(result.preprocessing?.orientation).toBeUndefined();
  });
});
