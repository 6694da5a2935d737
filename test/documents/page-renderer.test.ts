import pino from 'pino';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPageRenderer, type PageRenderer, type PageRendererOptions } from '../../src/documents/page-renderer.js';
import { expectedPages, readDoc } from '../helpers/documents.js';
import { deflatedZeros, imageBombPage, manyImagesPage } from '../helpers/hostile-pdfs.js';
import { encodeGrayTiffPages } from '../helpers/raw-image-files.js';

const LIMITS = { maxPixels: 40_000_000, renderDpi: 300 };
/** The largest square 1-bit image within MAX_IMAGE_PIXELS: 39.7 million pixels, 5 MB undeflated. */
const SIDE = 6_300;

describe('the page renderer: a page too slow or too large to render fails with PAGE_TOO_COMPLEX, and the next is rendered', () => {
  let zeros: Buffer;
  const renderers: PageRenderer[] = [];
  const start = (options: Partial<PageRendererOptions>) => {
    const renderer = createPageRenderer({ limits: LIMITS, memoryMb: 1024, timeoutMs: 60_000, logger: pino({ level: 'silent' }), ...options });
    renderers.push(renderer);
    return renderer;
  };

  beforeAll(async () => {
    zeros = await deflatedZeros((SIDE / 4) * (SIDE / 2));
  });

  afterEach(async () => {
    await Promise.all(renderers.splice(0).map((renderer) => renderer.close()));
  });

  /** The first page of born2.pdf, a born-digital A4 page, rendered rather than taken as its text. */
  const renderOrdinaryPage = (renderer: PageRenderer) => renderer.openPdf(readDoc('born2.pdf')).read(1, { textLayer: false });

  it('stops a page of twenty images, each within MAX_IMAGE_PIXELS, at the deadline', async () => {
    const renderer = start({ timeoutMs: 1_000 });
    const slow = renderer.openPdf(manyImagesPage(20, SIDE, zeros));
    await expect(slow.read(1, { textLayer: true })).rejects.toMatchObject({
      code: 'PAGE_TOO_COMPLEX',
      message: 'Page 1 took longer than 1000 ms to render and was stopped: it draws too much to read.',
    });
    await expect(renderOrdinaryPage(renderer)).resolves.toMatchObject({ bitmap: { width: 2480, height: 3509 }, dpi: 300 });
  });

  it('stops a page whose rendering needs more memory than RENDER_MEMORY_MB', async () => {
    const renderer = start({ memoryMb: 64 });
    await expect(renderer.openPdf(imageBombPage(SIDE, zeros)).read(1, { textLayer: false })).rejects.toMatchObject({
      code: 'PAGE_TOO_COMPLEX',
      message: 'Page 1 needs more than 64 MB of memory to render and was stopped: it draws too much to read.',
    });
    await expect(renderOrdinaryPage(renderer)).resolves.toMatchObject({ bitmap: { width: 2480, height: 3509 }, dpi: 300 });
  });

  it('reads on in a document that was open in a thread stopped under another document', async () => {
    const renderer = start({ timeoutMs: 1_000 });
    const born = renderer.openPdf(readDoc('born2.pdf'));
    const [first, second] = expectedPages('born2').map((page) => ({ text: page.trim() }));
    const trimmed = async (page: number) => {
      const read = await born.read(page, { textLayer: true });
      return 'text' in read ? { text: read.text.trim() } : read;
    };
    expect(await trimmed(1)).toEqual(first);
    await expect(renderer.openPdf(manyImagesPage(20, SIDE, zeros)).read(1, { textLayer: true })).rejects.toMatchObject({ code: 'PAGE_TOO_COMPLEX' });
    expect(await trimmed(2)).toEqual(second);
    born.close();
  });

  it('stops decoding a page of a multi-page image at the deadline', async () => {
    const renderer = start({ timeoutMs: 100 });
    const noise = await sharp({
      create: { width: 4_000, height: 4_000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    })
      .png()
      .toBuffer();
    const tiff = await encodeGrayTiffPages([noise, noise]);
    await expect(renderer.imagePage(tiff, 1)).rejects.toMatchObject({
      code: 'PAGE_TOO_COMPLEX',
      message: 'Page 2 took longer than 100 ms to render and was stopped: it draws too much to read.',
    });
  });
});
