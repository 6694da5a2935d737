import { describe, expect, it } from 'vitest';
import { shrinkGray } from '../../../src/ocr/analysis/shrink.js';

describe('shrinkGray', () => {
  it('makes each pixel the rounded mean of its block', () => {
    // prettier-ignore
    const source = Uint8Array.from([
      0, 255, 10, 10,
      255, 0, 10, 11,
      1, 2, 200, 200,
      3, 4, 200, 200,
    ]);
    expect(shrinkGray(source, 4, 4, 2)).toEqual({ data: Uint8Array.from([128, 10, 3, 200]), width: 2, height: 2 });
  });

  it('drops the columns and rows left over at the edges', () => {
    const source = Uint8Array.from({ length: 7 * 5 }, (_, index) => (index % 7 >= 6 || index >= 7 * 3 ? 255 : 30));
    const shrunk = shrinkGray(source, 7, 5, 3);
    expect(shrunk).toEqual({ data: Uint8Array.from([30, 30]), width: 2, height: 1 });
  });
});
