import { describe, expect, it } from 'vitest';
import { createPointMapper } from '../../../src/ocr/output/coordinates.js';

/** An upload 200 px wide and 100 px tall; (20, 10) is near its top-left corner. */
const upload = { width: 200, height: 100 };

describe('coordinates of a page read turned', () => {
  it.each([
    // Turned clockwise, the top-left corner of the upload lands top-right (90), bottom-right (180) or bottom-left (270).
    [90, [90, 20]],
    [180, [180, 90]],
    [270, [10, 180]],
  ] as const)('maps a point of the page turned %i° back to the upload', (rotation, turned) => {
    const map = createPointMapper({ ...upload, scale: 1, rotation }, 0);
    expect(map(turned[0], turned[1]).map(Math.round)).toEqual([20, 10]);
  });

  it('undoes the upscaling after the turn', () => {
    const map = createPointMapper({ ...upload, scale: 2, rotation: 90 }, 0);
    expect(map(180, 40).map(Math.round)).toEqual([20, 10]);
  });

  it('leaves an upright page as it was', () => {
    expect(createPointMapper({ ...upload, scale: 1, rotation: 0 }, 0)(20, 10)).toEqual([20, 10]);
  });
});
