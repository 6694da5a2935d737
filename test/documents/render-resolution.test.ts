import { describe, expect, it } from 'vitest';
import type { Matrix, PlacedImage } from '../../src/documents/pdfium.js';
import { bitmapOnPaper, fittingDpi, pagePlacement, placementDpi, previewPlacement } from '../../src/documents/render-resolution.js';

const A4 = { widthPt: 595.28, heightPt: 841.89 };
const LIMITS = { maxPixels: 40_000_000, renderDpi: 300 };

/** An upright image of `width` × `height` pixels drawn `widthPt` wide (its aspect kept) with its top-left corner at (left, top). */
function upright(width: number, height: number, widthPt: number, left: number, top: number): PlacedImage {
  const heightPt = (widthPt * height) / width;
  // On the page as rendered (y down), an image drawn right way up has its first row at the top: d is negative.
  const matrix: Matrix = [widthPt, 0, 0, -heightPt, left, top + heightPt];
  return { width, height, matrix };
}

describe('the resolution a PDF page is rendered at', () => {
  it('renders a page of one image at the image’s own resolution, only where the image is, each pixel on one of the bitmap’s', () => {
    const image = upright(424, 218, 500, 47.64, 36.2);
    const placement = pagePlacement(A4, { images: [image], drawsVectors: false }, LIMITS);
    expect(placementDpi(placement)).toBeCloseTo((424 / 500) * 72, 1);
    expect([placement.width, placement.height]).toEqual([424, 218]);
    // The image's corners land just inside the bitmap's first and last pixels.
    const [a, , , d, e, f] = image.matrix;
    const corner = (x: number, y: number) => [placement.scaleX * x + placement.offsetX, placement.scaleY * y + placement.offsetY];
    const [left, top] = corner(e, f + d);
    const [right, bottom] = corner(e + a, f);
    for (const edge of [left!, top!]) expect(edge).toBeCloseTo(0, 1);
    expect(right).toBeCloseTo(424, 1);
    expect(bottom).toBeCloseTo(218, 1);
    for (const edge of [left!, top!]) expect(edge).toBeGreaterThan(0);
    expect(right).toBeLessThan(424);
    expect(bottom).toBeLessThan(218);
  });

  it('keeps a scan’s own 600 dpi, and the page within MAX_IMAGE_PIXELS', () => {
    const scan = upright(4960, 7015, A4.widthPt, 0, 0);
    expect(placementDpi(pagePlacement(A4, { images: [scan], drawsVectors: false }, LIMITS))).toBeCloseTo(600, 0);
    const capped = pagePlacement(A4, { images: [scan], drawsVectors: false }, { ...LIMITS, maxPixels: 10_000_000 });
    expect(placementDpi(capped)).toBe(fittingDpi(A4, 10_000_000));
    expect(capped.width * capped.height).toBeLessThanOrEqual(10_000_000);
  });

  it('renders a page with text or vector drawing whole, at PDF_RENDER_DPI at least', () => {
    const photo = upright(400, 300, 200, 100, 100);
    const placement = pagePlacement(A4, { images: [photo], drawsVectors: true }, LIMITS);
    expect(placementDpi(placement)).toBe(300);
    expect([placement.width, placement.height]).toEqual([Math.ceil((A4.widthPt * 300) / 72), Math.ceil((A4.heightPt * 300) / 72)]);
    expect(placementDpi(pagePlacement(A4, { images: [], drawsVectors: true }, LIMITS))).toBe(300);
    expect(placementDpi(pagePlacement(A4, { images: [], drawsVectors: false }, LIMITS))).toBe(300);
  });

  it('takes the resolution from the page’s main images, not from a small sharp logo', () => {
    const scan = upright(1654, 2339, A4.widthPt, 0, 0);
    const logo = upright(600, 200, 72, 20, 20);
    expect(placementDpi(pagePlacement(A4, { images: [logo, scan], drawsVectors: false }, LIMITS))).toBeCloseTo(200, 0);
    // The mask of a compressed scan is as large as its background: the sharper of the two sets the resolution.
    const background = upright(827, 1170, A4.widthPt, 0, 0);
    expect(placementDpi(pagePlacement(A4, { images: [background, scan], drawsVectors: false }, LIMITS))).toBeCloseTo(200, 0);
  });

  it('places a quarter-turned image pixel on pixel too, its width along the page’s height', () => {
    // Drawn turned clockwise: its x axis runs down the page, its y axis to the left.
    const turned: PlacedImage = { width: 300, height: 100, matrix: [0, 400, -133.33333, 0, 300.5, 50.25] };
    const placement = pagePlacement(A4, { images: [turned], drawsVectors: false }, LIMITS);
    expect([placement.width, placement.height]).toEqual([100, 300]);
  });

  it('says where the bitmap lies on the paper, for the searchable PDF', () => {
    const image = upright(424, 218, 500, 47.64, 36.2);
    const placement = pagePlacement(A4, { images: [image], drawsVectors: false }, LIMITS);
    const { widthPt, heightPt, image: box } = bitmapOnPaper(A4, placement);
    expect([widthPt, heightPt]).toEqual([A4.widthPt, A4.heightPt]);
    expect(box.leftPt).toBeCloseTo(47.64, 1);
    expect(box.topPt).toBeCloseTo(36.2, 1);
    expect(box.widthPt).toBeCloseTo(500, 1);
    expect(box.heightPt).toBeCloseTo((500 * 218) / 424, 1);
  });

  it('refuses a page that cannot be rendered at 100 dpi within MAX_IMAGE_PIXELS with PAGE_TOO_LARGE', () => {
    expect(() => pagePlacement({ widthPt: 14_400, heightPt: 14_400 }, { images: [], drawsVectors: true }, LIMITS)).toThrow(
      expect.objectContaining({ code: 'PAGE_TOO_LARGE' }),
    );
  });

  it('renders a preview whole at the width asked for, and a long narrow page within MAX_IMAGE_PIXELS', () => {
    expect(previewPlacement(A4, 200, LIMITS.maxPixels)).toMatchObject({ width: 200, height: 283, offsetX: 0, offsetY: 0 });
    // A strip 1 inch wide and 200 inches long, asked for 2,000 pixels wide, would be 80 million pixels.
    const strip = previewPlacement({ widthPt: 72, heightPt: 14_400 }, 2_000, 1_000_000);
    expect(strip.width * strip.height).toBeLessThanOrEqual(1_000_000);
    expect([strip.width, strip.height]).toEqual([70, 14_000]);
  });
});
