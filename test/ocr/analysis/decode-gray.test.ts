import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeGray } from '../../../src/ocr/analysis/preprocess.js';

const picture = (encoding: string) => fs.readFileSync(new URL(`../../fixtures/pictures/chart_97_000.${encoding}`, import.meta.url));
const MAX_PIXELS = 40_000_000;

/** The mean difference in gray levels between two decodings of the same picture. */
function meanDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let index = 0; index < a.length; index += 1) sum += Math.abs(a[index]! - b[index]!);
  return sum / a.length;
}

describe('one canonical gray picture whatever the encoding', () => {
  it.each(['palette.png', 'grey.png', 'alpha.png', '16bit.png', 'rgb.jpg', 'cmyk.jpg'])(
    'decodes %s to the gray levels of the RGB PNG, within rounding and what the encoding itself lost',
    async (encoding) => {
      const reference = await decodeGray(picture('rgb.png'), { maxPixels: MAX_PIXELS });
      const decoded = await decodeGray(picture(encoding), { maxPixels: MAX_PIXELS });
      expect([decoded.width, decoded.height]).toEqual([reference.width, reference.height]);
      expect(meanDifference(decoded.data, reference.data)).toBeLessThan(1.5);
    },
  );
});
