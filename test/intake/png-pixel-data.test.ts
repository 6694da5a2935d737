import sharp from 'sharp';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkPngPixelData } from '../../src/intake/png-pixel-data.js';
import { detectUploadType } from '../../src/intake/media-type.js';
import { renderTextImage } from '../helpers/images.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, sum]);
}

/** An 8-bit gray PNG of `height` rows of `width` pixels, built by hand so each case can bend one rule. */
function grayPng(width: number, height: number, { filter = 0, rows = height, chunksBeforeEnd = [] as Buffer[], split = 1 } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  const raw = Buffer.concat(Array.from({ length: rows }, (_, row) => Buffer.concat([Buffer.from([filter]), Buffer.alloc(width, row * 7)])));
  const stream = deflateSync(raw);
  const step = Math.ceil(stream.length / split);
  const idat = Array.from({ length: split }, (_, i) => chunk('IDAT', stream.subarray(i * step, (i + 1) * step)));
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), ...idat, ...chunksBeforeEnd, chunk('IEND', Buffer.alloc(0))]);
}

/** What libvips says of the file: true when it decodes every pixel. */
const sharpDecodes = (bytes: Buffer) =>
  sharp(bytes, { failOn: 'truncated' })
    .raw()
    .toBuffer()
    .then(
      () => true,
      () => false,
    );

describe('checkPngPixelData', () => {
  it.each([
    [
      '8-bit gray',
      () =>
        sharp({ create: { width: 40, height: 30, channels: 3, background: '#777' } })
          .grayscale()
          .png()
          .toBuffer(),
    ],
    [
      '16-bit gray',
      () =>
        sharp({ create: { width: 40, height: 30, channels: 3, background: '#777' } })
          .grayscale()
          .toColourspace('grey16')
          .png()
          .toBuffer(),
    ],
    [
      'RGB',
      () =>
        sharp({ create: { width: 41, height: 30, channels: 3, background: '#123456' } })
          .png()
          .toBuffer(),
    ],
    [
      'RGBA',
      () =>
        sharp({ create: { width: 41, height: 30, channels: 4, background: '#12345678' } })
          .png()
          .toBuffer(),
    ],
    ['rendered text', () => renderTextImage('Plain page')],
  ])('proves a plain %s PNG whole', async (_kind, make) => {
    expect(await checkPngPixelData(await make())).toBe('complete');
  });

  // Rows up to 256 KB are inflated inline, larger ones in the thread pool: both judge alike.
  it.each([
    ['inline', 300, 200],
    ['in the thread pool', 700, 600],
  ])('judges rows inflated %s by the same rules', async (_where, width, height) => {
    expect(await checkPngPixelData(grayPng(width, height))).toBe('complete');
    expect(await checkPngPixelData(grayPng(width, height, { rows: height - 1 }))).toBe('unsure');
    expect(await checkPngPixelData(grayPng(width, height, { filter: 5 }))).toBe('unsure');
  });

  it('proves whole a stream split over several IDAT chunks', async () => {
    expect(await checkPngPixelData(grayPng(50, 40, { split: 4 }))).toBe('complete');
  });

  it.each([
    [
      'a palette image',
      () =>
        sharp({ create: { width: 40, height: 30, channels: 3, background: '#777' } })
          .png({ palette: true })
          .toBuffer(),
    ],
    [
      'an interlaced image',
      () =>
        sharp({ create: { width: 40, height: 30, channels: 3, background: '#777' } })
          .png({ progressive: true })
          .toBuffer(),
    ],
    ['a file cut short', async () => (await renderTextImage('Cut short')).subarray(0, -40)],
    ['a row with filter type 5', () => Promise.resolve(grayPng(20, 10, { filter: 5 }))],
    ['fewer rows than the header says', () => Promise.resolve(grayPng(20, 10, { rows: 9 }))],
    ['more rows than the header says', () => Promise.resolve(grayPng(20, 10, { rows: 11 }))],
    ['an unknown critical chunk', () => Promise.resolve(grayPng(20, 10, { chunksBeforeEnd: [chunk('ABCD', Buffer.from('x'))] }))],
    [
      'an image with more than 16 MB of rows, left to the streaming decoder',
      () =>
        sharp({ create: { width: 2400, height: 2400, channels: 3, background: '#fff' } })
          .png()
          .toBuffer(),
    ],
    ['bytes after IEND', async () => Buffer.concat([await renderTextImage('Tail'), Buffer.from('tail')])],
  ])('is unsure of %s', async (_kind, make) => {
    expect(await checkPngPixelData(await make())).toBe('unsure');
  });

  it('is unsure of IDAT chunks with another chunk between them', async () => {
    const whole = grayPng(50, 40, { split: 2 });
    const between = chunk('tEXt', Buffer.from('Comment\0between'));
    const firstIdatEnd = SIGNATURE.length + 25 + whole.readUInt32BE(SIGNATURE.length + 25) + 12;
    const apart = Buffer.concat([whole.subarray(0, firstIdatEnd), between, whole.subarray(firstIdatEnd)]);
    expect(await checkPngPixelData(apart)).toBe('unsure');
  });

  it('is unsure of a chunk whose checksum is wrong, critical or not', async () => {
    const withText = grayPng(20, 10, { chunksBeforeEnd: [chunk('tEXt', Buffer.from('Title\0scan'))] });
    // The tEXt chunk's checksum: the four bytes before IEND, the last chunk's 12.
    withText.writeUInt8(withText.readUInt8(withText.length - 16) ^ 1, withText.length - 16);
    expect(await checkPngPixelData(withText)).toBe('unsure');
    const idatData = grayPng(20, 10);
    // A byte of the IDAT chunk's data, after the signature and the 25-byte IHDR chunk.
    const inIdat = SIGNATURE.length + 25 + 10;
    idatData.writeUInt8(idatData.readUInt8(inIdat) ^ 1, inIdat);
    expect(await checkPngPixelData(idatData)).toBe('unsure');
  });

  it('never calls complete a damaged file that libvips cannot decode', async () => {
    // Seeded, so a failure replays: bytes flipped, cut, or overwritten in PNGs of every kind the check accepts.
    let state = 20261127;
    const next = () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const originals = [
      await renderTextImage('Damaged page'),
      await sharp({ create: { width: 60, height: 20, channels: 4, background: '#20406080' } })
        .png()
        .toBuffer(),
      grayPng(30, 12, { split: 3 }),
    ];
    let complete = 0;
    for (let i = 0; i < 300; i += 1) {
      const bytes = Buffer.from(originals[i % originals.length]!);
      const at = Math.floor(next() * bytes.length);
      const damage = next();
      const mutant =
        damage < 0.4
          ? bytes.fill(Math.floor(next() * 256), at, at + 1)
          : damage < 0.7
            ? bytes.subarray(0, at)
            : bytes.fill(0, at, Math.min(at + 8, bytes.length));
      // The check is only asked about files found to be PNGs: a mutant whose signature broke is refused before it.
      if (detectUploadType(mutant) !== 'png' || (await checkPngPixelData(mutant)) !== 'complete') continue;
      complete += 1;
      expect(await sharpDecodes(mutant), `mutant ${i}`).toBe(true);
    }
    // Most damage is caught by a checksum; the few mutants still called complete changed nothing that matters.
    expect(complete).toBeLessThan(30);
  });
});
