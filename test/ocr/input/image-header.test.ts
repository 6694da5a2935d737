import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readJpegSize, readPngSize } from '../../../src/ocr/input/image-header.js';

const fixture = (name: string) => fs.readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));

describe('readPngSize and readJpegSize', () => {
  it.each([
    ['peer/simple-png.png', readPngSize],
    ['peer/bill-png.png', readPngSize],
    ['bad/wide_60000x40.png', readPngSize],
    ['peer/simple-jpg.jpg', readJpegSize],
    ['peer/simple-90-jpg.jpg', readJpegSize],
    ['peer/testocr-jpg.jpg', readJpegSize],
  ])('read the size sharp reads from %s', async (name, read) => {
    const bytes = fixture(name);
    const { width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
    expect(read(bytes)).toEqual({ width, height });
  });

  it('reads a progressive JPEG, whose frame marker is SOF2', async () => {
    const bytes = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#fff' } })
      .jpeg({ progressive: true })
      .toBuffer();
    expect(readJpegSize(bytes)).toEqual({ width: 40, height: 30 });
  });

  it('leave a PNG whose IHDR checksum is wrong to sharp', () => {
    const bytes = Buffer.from(fixture('peer/simple-png.png'));
    bytes[29] = bytes[29]! ^ 0xff;
    expect(readPngSize(bytes)).toBeUndefined();
  });

  it('leave a PNG with a bit depth its colour type does not allow to sharp', () => {
    const bytes = Buffer.from(fixture('peer/simple-png.png'));
    bytes[24] = 3;
    expect(readPngSize(bytes)).toBeUndefined();
  });

  it('leave a JPEG cut before its frame header, or with a broken segment, to sharp', () => {
    const bytes = fixture('peer/simple-jpg.jpg');
    expect(readJpegSize(bytes.subarray(0, 20))).toBeUndefined();
    const broken = Buffer.from(bytes);
    broken[2] = 0x00;
    expect(readJpegSize(broken)).toBeUndefined();
  });
});
