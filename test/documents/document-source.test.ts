import fs from 'node:fs';
import path from 'node:path';
import { clipEvenOdd, degrees, endPath, PDFDocument, PDFHexString, PDFName, PDFRawStream, rectangle, StandardFonts } from 'pdf-lib';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { openDocument, PDF_MEDIA_TYPE } from '../../src/documents/document-source.js';
import { createPageRenderer } from '../../src/documents/page-renderer.js';
import { readDoc } from '../helpers/documents.js';
import { encodeGrayTiffPages } from '../helpers/raw-image-files.js';
import { ROOT } from '../helpers/service.js';

const LIMITS = { maxPixels: 40_000_000, renderDpi: 300 };
const A4: [number, number] = [595.28, 841.89];
const corpus = (name: string) => fs.readFileSync(path.join(ROOT, 'test/fixtures/corpus', name));
const NOISE = corpus('noise_mono_03.png');

/** The gray pixels of an image, and its size. */
const grayPixels = async (image: Buffer, rotate = 0) => {
  const { data, info } = await sharp(image).rotate(rotate).grayscale().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
};

/** A one-page A4 PDF showing NOISE 500 pt wide at an offset of a fraction of a point, as `draw` further says. */
async function pdfOfNoise(draw: (page: ReturnType<PDFDocument['addPage']>, document: PDFDocument) => Promise<void> | void = () => undefined) {
  const document = await PDFDocument.create();
  // pdf-lib reads images through a DataView of their whole ArrayBuffer: each gets a buffer of its own.
  const image = await document.embedPng(new Uint8Array(NOISE));
  const page = document.addPage(A4);
  const height = (500 * image.height) / image.width;
  page.drawImage(image, { x: 47.3, y: 500.7, width: 500, height });
  await draw(page, document);
  return Buffer.from(await document.save());
}

const renderer = createPageRenderer({ limits: LIMITS, memoryMb: 1024, timeoutMs: 60_000, logger: pino({ level: 'silent' }) });
afterAll(() => renderer.close());

const pageImage = async (document: Buffer, mediaType = PDF_MEDIA_TYPE, page = 1) => {
  const source = openDocument(document, mediaType, renderer);
  try {
    const read = await source.read(page, { textLayer: false });
    if (!('image' in read)) throw new Error(`page ${page} was read as text`);
    return read.image;
  } finally {
    source.close();
  }
};

describe('document pages as images: a page of a scan is its image’s own pixels', () => {
  it('renders a page that shows one image as exactly that image’s pixels, at the image’s resolution, and says where it lies on the page', async () => {
    const { bytes, mediaType, paper } = await pageImage(await pdfOfNoise());
    expect(mediaType).toBe('image/png');
    expect(await grayPixels(bytes)).toEqual(await grayPixels(NOISE));
    expect((await sharp(bytes).metadata()).density).toBeCloseTo((424 / 500) * 72, 0);
    expect(paper!.widthPt).toBeCloseTo(A4[0], 3);
    expect(paper!.heightPt).toBeCloseTo(A4[1], 3);
    expect(paper!.image.leftPt).toBeCloseTo(47.3, 1);
    expect(paper!.image.widthPt).toBeCloseTo(500, 1);
    expect(A4[1] - paper!.image.topPt - paper!.image.heightPt).toBeCloseTo(500.7, 1);
  });

  it.each([
    ['a page turned by /Rotate 90', (page: ReturnType<PDFDocument['addPage']>) => page.setRotation(degrees(90)), 90],
    ['a page with a crop box off its origin', (page: ReturnType<PDFDocument['addPage']>) => page.setCropBox(10.37, 20.11, 580, 800), 0],
  ])('keeps the pixels of %s', async (_name, turn, rotate) => {
    const { bytes } = await pageImage(await pdfOfNoise(turn));
    expect(await grayPixels(bytes)).toEqual(await grayPixels(NOISE, rotate));
  });

  it('keeps the pixels of an image drawn a quarter turn round', async () => {
    const document = await PDFDocument.create();
    const image = await document.embedPng(new Uint8Array(NOISE));
    document.addPage(A4).drawImage(image, { x: 300.3, y: 100.7, width: 500, height: (500 * image.height) / image.width, rotate: degrees(90) });
    const { bytes } = await pageImage(Buffer.from(await document.save()));
    expect(await grayPixels(bytes)).toEqual(await grayPixels(NOISE, 270));
  });

  it('renders a page with visible text besides its image whole, at PDF_RENDER_DPI', async () => {
    const withText = await pdfOfNoise(async (page, document) => {
      page.drawText('A caption under the picture', { x: 50, y: 450, size: 12, font: await document.embedFont(StandardFonts.Helvetica) });
    });
    const { bytes } = await pageImage(withText);
    const { width, height, density } = await sharp(bytes).metadata();
    expect([width, height, density]).toEqual([Math.ceil((A4[0] * 300) / 72), Math.ceil((A4[1] * 300) / 72), 300]);
  });

  type JpegPage = { page: ReturnType<PDFDocument['addPage']>; document: PDFDocument; image: PDFRawStream };
  /** A box of a JPEG's pixels, from its top-left corner: left, top, width, height. */
  type PixelBox = [number, number, number, number];
  interface JpegDrawing {
    opacity?: number;
    /** Where the JPEG's left edge and bottom lie on the page, and how wide it is drawn, in points. */
    at?: { x: number; y: number; width: number };
    /** A box of the JPEG the page is clipped to hide. */
    clippedOut?: PixelBox;
    change?: (made: JpegPage) => void | Promise<void>;
  }

  /** A one-page A4 PDF showing `jpeg`, as a scanning app draws a page (500 pt wide unless `at` says), `opacity` opaque, then `change` done to it. */
  async function pdfOfJpeg(
    jpeg: Buffer,
    { opacity = 1, at = { x: 47.3, y: 400.7, width: 500 }, clippedOut, change = () => undefined }: JpegDrawing = {},
  ) {
    const document = await PDFDocument.create();
    const image = await document.embedJpg(new Uint8Array(jpeg));
    const page = document.addPage(A4);
    const scale = at.width / image.width;
    if (clippedOut) {
      const [left, top, width, height] = clippedOut;
      const box = rectangle(at.x + left * scale, at.y + (image.height - top - height) * scale, width * scale, height * scale);
      // The page less the box, by the even-odd rule.
      page.pushOperators(rectangle(0, 0, A4[0], A4[1]), box, clipEvenOdd(), endPath());
    }
    page.drawImage(image, { ...at, height: image.height * scale, opacity });
    await image.embed();
    await change({ page, document, image: document.context.lookup(image.ref) as PDFRawStream });
    return Buffer.from(await document.save());
  }

  /** Gives the JPEG a soft mask that hides `box` of it. */
  const maskedOut =
    (box: PixelBox) =>
    async ({ document, image }: JpegPage): Promise<void> => {
      const [left, top, width, height] = box;
      const { width: jpegWidth, height: jpegHeight } = await sharp(Buffer.from(image.getContents())).metadata();
      const hole = Buffer.from(
        `<svg width="${jpegWidth}" height="${jpegHeight}"><rect x="${left}" y="${top}" width="${width}" height="${height}"/></svg>`,
      );
      const opaque = { width: jpegWidth, height: jpegHeight, channels: 4 as const, background: '#000000ff' };
      const mask = await sharp({ create: opaque })
        .composite([{ input: hole, blend: 'dest-out' }])
        .png()
        .toBuffer();
      const png = await document.embedPng(new Uint8Array(mask));
      await png.embed();
      image.dict.set(PDFName.of('SMask'), (document.context.lookup(png.ref) as PDFRawStream).dict.get(PDFName.of('SMask'))!);
    };

  const COLOUR_JPEG = sharp({ create: { width: 800, height: 500, channels: 3, background: '#fdf6e3' } })
    .composite([{ input: Buffer.from('<svg width="800" height="500"><rect x="20" y="20" width="300" height="120" fill="#c03020"/></svg>') }])
    .jpeg({ quality: 85 })
    .toBuffer();
  /** scan3's first page, 1654 × 2339 pixels at 200 dpi, as a JPEG drawn over the whole A4 page. */
  const PAGE_JPEG = sharp(readDoc('scan3.tif'), { page: 0 }).jpeg({ quality: 80 }).toBuffer();
  const WHOLE_PAGE = { x: 0, y: 0, width: A4[0] };
  /** The word "Visitors" in scan_serif_01.jpg; the capital P that starts PAGE_JPEG's text. */
  const WORD: PixelBox = [30, 34, 65, 22];
  const LETTER: PixelBox = [148, 214, 30, 44];
  const INVERTING_PALETTE = Buffer.from(Array.from({ length: 256 }, (_, level) => 255 - level));

  it.each([
    ['a gray scan', () => Promise.resolve(corpus('scan_serif_01.jpg')), undefined],
    ['a colour one', () => COLOUR_JPEG, undefined],
    ['a whole page of a scan', () => PAGE_JPEG, WHOLE_PAGE],
  ])('gives a page that is one JPEG, %s, as that JPEG byte for byte, and says where it lies on the page', async (_name, jpeg, at) => {
    const { bytes, mediaType, paper } = await pageImage(await pdfOfJpeg(await jpeg(), { ...(at && { at }) }));
    expect(mediaType).toBe('image/jpeg');
    expect(bytes.equals(await jpeg())).toBe(true);
    expect(paper!.image.leftPt).toBeCloseTo(at?.x ?? 47.3, 1);
    expect(paper!.image.widthPt).toBeCloseTo(at?.width ?? 500, 1);

    const scanned = await pageImage(readDoc('scan3.pdf'), PDF_MEDIA_TYPE, 2);
    expect(scanned.mediaType).toBe('image/jpeg');
    expect(await sharp(scanned.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 1654, height: 2339, channels: 1 });
  });

  it.each<[string, () => Promise<Buffer>, JpegDrawing]>([
    ['turned by /Rotate 90', () => Promise.resolve(corpus('scan_serif_01.jpg')), { change: ({ page }) => page.setRotation(degrees(90)) }],
    ['drawn half transparent', () => Promise.resolve(corpus('scan_serif_01.jpg')), { opacity: 0.5 }],
    [
      'inverted by a /Decode array',
      () => Promise.resolve(corpus('scan_serif_01.jpg')),
      { change: ({ document, image }) => image.dict.set(PDFName.of('Decode'), document.context.obj([1, 0])) },
    ],
    [
      'inverted by an /Indexed colour space',
      () => Promise.resolve(corpus('scan_serif_01.jpg')),
      {
        change: ({ document, image }) =>
          image.dict.set(
            PDFName.of('ColorSpace'),
            document.context.obj([PDFName.of('Indexed'), PDFName.of('DeviceGray'), 255, PDFHexString.of(INVERTING_PALETTE.toString('hex'))]),
          ),
      },
    ],
    [
      'read in the Lab colour space',
      () => COLOUR_JPEG,
      {
        change: ({ document, image }) =>
          image.dict.set(
            PDFName.of('ColorSpace'),
            document.context.obj([PDFName.of('Lab'), document.context.obj({ WhitePoint: [0.9505, 1, 1.089] })]),
          ),
      },
    ],
    ['clipped to hide a word', () => Promise.resolve(corpus('scan_serif_01.jpg')), { clippedOut: WORD }],
    ['masked to hide a word', () => Promise.resolve(corpus('scan_serif_01.jpg')), { change: maskedOut(WORD) }],
    ['a whole page clipped to hide one letter', () => PAGE_JPEG, { at: WHOLE_PAGE, clippedOut: LETTER }],
    ['a whole page masked to hide one letter', () => PAGE_JPEG, { at: WHOLE_PAGE, change: maskedOut(LETTER) }],
  ])('renders a page whose one JPEG is %s, which the JPEG alone does not show, as the page looks', async (_name, jpeg, drawing) => {
    const { bytes, mediaType } = await pageImage(await pdfOfJpeg(await jpeg(), drawing));
    expect(mediaType).toBe('image/png');
    expect(await grayPixels(bytes)).not.toEqual(await grayPixels(await jpeg()));
  });

  it('gives each page of a multi-page TIFF as its own pixels, gray staying gray, at its own resolution', async () => {
    const images = [NOISE, corpus('small_mono_03.png'), corpus('invoice_mono_01.png')];
    const tiff = await encodeGrayTiffPages(images);
    for (const [index, image] of images.entries()) {
      const { bytes, paper } = await pageImage(tiff, 'image/tiff', index + 1);
      expect(await grayPixels(bytes)).toEqual(await grayPixels(image));
      expect((await sharp(bytes).metadata()).channels).toBe(1);
      expect(paper).toBeUndefined();
    }
    const scanned = await pageImage(readDoc('scan3.tif'), 'image/tiff', 2);
    expect(await sharp(scanned.bytes).metadata()).toMatchObject({ width: 1654, height: 2339, density: 200 });
  });
});
