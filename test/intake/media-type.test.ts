import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { detectUploadType, mediaTypeOf, requireUploadType } from '../../src/intake/media-type.js';

const pixels = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } });

describe('detectUploadType', () => {
  it.each([
    ['png', () => pixels().png().toBuffer()],
    ['jpeg', () => pixels().jpeg().toBuffer()],
    ['webp', () => pixels().webp().toBuffer()],
    ['gif', () => pixels().gif().toBuffer()],
    ['tiff', () => pixels().tiff().toBuffer()],
    ['avif', () => pixels().avif().toBuffer()],
  ])('recognises a real %s file by its bytes', async (type, make) => {
    expect(detectUploadType(await make())).toBe(type);
  });

  it('recognises BMP and Netpbm headers', () => {
    const bmp = Buffer.alloc(64);
    bmp.write('BM', 0, 'ascii');
    bmp.writeUInt32LE(40, 14);
    expect(detectUploadType(bmp)).toBe('bmp');
    expect(detectUploadType(Buffer.from('P4\n8 8\n\0\0\0\0\0\0\0\0'))).toBe('pnm');
    expect(detectUploadType(Buffer.from('P6 1 1 255\n\0\0\0'))).toBe('pnm');
  });

  it.each([
    ['plain text', Buffer.from('hello, this is not an image')],
    ['HTML', Buffer.from('<!doctype html><html><body>nope</body></html>')],
    ['text starting with BM', Buffer.from('BMW owners club newsletter, issue 12')],
    ['text starting with P1', Buffer.from('P1ease read me')],
    ['a truncated PNG signature', Buffer.from([0x89, 0x50, 0x4e])],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_name, bytes) => {
    expect(detectUploadType(bytes)).toBeUndefined();
  });
});

describe('a PDF', () => {
  it('is found by its header, also after a little leading junk, and carries its media type', () => {
    expect(detectUploadType(Buffer.from('%PDF-1.7\n'))).toBe('pdf');
    expect(detectUploadType(Buffer.concat([Buffer.alloc(100, 0x20), Buffer.from('%PDF-1.4\n')]))).toBe('pdf');
    expect(mediaTypeOf('pdf')).toBe('application/pdf');
  });

  it('is not found past the first kilobyte, and never in a file that an image signature starts', async () => {
    expect(detectUploadType(Buffer.concat([Buffer.alloc(1024, 0x20), Buffer.from('%PDF-1.4\n')]))).toBeUndefined();
    const png = await pixels().png().toBuffer();
    expect(detectUploadType(Buffer.concat([png.subarray(0, 16), Buffer.from('%PDF-1.4\n'), png.subarray(16)]))).toBe('png');
  });
});

describe('requireUploadType', () => {
  it('refuses what the service does not read with UNSUPPORTED_MEDIA_TYPE, naming what it reads', () => {
    expect(() => requireUploadType(Buffer.from('hello'))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('or a PDF') }),
    );
  });
});
