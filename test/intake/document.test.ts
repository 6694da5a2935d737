import { beforeAll, describe, expect, it } from 'vitest';
import { inspectPdf } from '../../src/intake/document.js';
import { countTwoOneKid, deflatedZeros, imageBombInForm, imageBombPage, treeListsItself } from '../helpers/hostile-pdfs.js';

const limits = { maxPages: 200, maxPixels: 40_000_000, renderDpi: 300 };

describe('inspectPdf: hostile PDFs refused from their structure', () => {
  let zeros: Buffer;

  beforeAll(async () => {
    // A 60000 × 60000 1-bit image's pixels: 450 MB of zeros, about 440 KB deflated.
    zeros = await deflatedZeros((60_000 * 60_000) / 8);
  });

  it.each([
    ['a page tree that says /Count 2 and holds one page', countTwoOneKid],
    ['a page tree that lists itself among its kids', treeListsItself],
  ])('refuses %s with DOCUMENT_UNREADABLE naming the page', async (_name, build) => {
    await expect(inspectPdf(build(), undefined, limits)).rejects.toMatchObject({
      code: 'DOCUMENT_UNREADABLE',
      message: expect.stringContaining('Page 2 of the PDF cannot be read'),
    });
    // The page that is there can still be chosen alone.
    await expect(inspectPdf(build(), '1', limits)).resolves.toEqual([1]);
  });

  it('refuses a 438 KB page that draws a 60000 × 60000 image with PAGE_TOO_LARGE', async () => {
    const bomb = imageBombPage(60_000, zeros);
    expect(bomb.length).toBeLessThan(500_000);
    await expect(inspectPdf(bomb, undefined, limits)).rejects.toMatchObject({
      code: 'PAGE_TOO_LARGE',
      message: 'Page 1 draws an image of 60000 × 60000 pixels, over the limit of 40000000 pixels.',
    });
  });

  it('finds the image inside a form XObject, and reads sizes past 65535 pixels right', async () => {
    await expect(inspectPdf(imageBombInForm(70_000, zeros), undefined, limits)).rejects.toMatchObject({
      code: 'PAGE_TOO_LARGE',
      message: expect.stringContaining('70000 × 70000 pixels'),
    });
  });

  it('takes a page whose image is within the limit', async () => {
    await expect(inspectPdf(imageBombPage(6_000, zeros), undefined, limits)).resolves.toEqual([1]);
    await expect(inspectPdf(imageBombPage(6_000, zeros), undefined, { ...limits, maxPixels: 35_999_999 })).rejects.toMatchObject({
      code: 'PAGE_TOO_LARGE',
    });
  });
});
