export type ImageType = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'tiff' | 'pnm' | 'avif';

export const MEDIA_TYPES: Record<ImageType, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
  pnm: 'image/x-portable-anymap',
  avif: 'image/avif',
};

/** Types tesseract.js cannot read itself: they always go through sharp, even with preprocessing off. */
export const NEEDS_CONVERSION: readonly ImageType[] = ['avif'];

const startsWith = (bytes: Buffer, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((byte, index) => bytes[offset + index] === byte);

const ascii = (text: string): number[] => [...text].map((char) => char.charCodeAt(0));

const isWhitespace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * Decides an image's type from its first bytes, whatever its name or declared content type say.
 * Returns undefined for anything that is not an image type the OCR engine reads.
 */
export function detectImageType(bytes: Buffer): ImageType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('II*\0')) || startsWith(bytes, ascii('MM\0*'))) return 'tiff';
  // An ISO-BMFF file whose major brand is AVIF (still image or sequence). sharp's own build reads AVIF but not HEIC.
  if (startsWith(bytes, ascii('ftyp'), 4) && (startsWith(bytes, ascii('avif'), 8) || startsWith(bytes, ascii('avis'), 8))) return 'avif';
  // "BM" alone is two printable letters; a real BMP also carries its header size (12 to 124) at offset 14.
  if (startsWith(bytes, ascii('BM')) && bytes.length >= 18) {
    const headerSize = bytes.readUInt32LE(14);
    if (headerSize >= 12 && headerSize <= 124) return 'bmp';
  }
  // Netpbm: P1 to P6 followed by whitespace (the PBM/PGM/PPM that tesseract's own tests use).
  if (bytes[0] === 0x50 && bytes[1] !== undefined && bytes[1] >= 0x31 && bytes[1] <= 0x36 && isWhitespace(bytes[2])) return 'pnm';
  return undefined;
}
