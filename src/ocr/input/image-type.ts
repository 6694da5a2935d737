import { readBmpHeader, readPnmHeader, type DeclaredImage } from './image-header.js';

export type ImageType = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'tiff' | 'pnm' | 'avif';

/** Who decodes a type on its way to tesseract, which decides how an upload is checked and what preprocessing can do. */
type Decoding =
  | {
      /** sharp decodes it: the upload is checked by decoding it, and preprocessing works on it. */
      sharp: true;
      /** tesseract.js decodes it too; when it cannot, the image is converted to PNG even with preprocessing off. */
      tesseract: boolean;
    }
  | {
      /** sharp cannot decode it: tesseract reads it as it is, without preprocessing. */
      sharp: false;
      tesseract: true;
      /** Reads the declared size from the header and checks the pixel data is whole; undefined when the header is cut short. */
      readHeader: (bytes: Buffer) => DeclaredImage | undefined;
    };

export type ImageTypeCapabilities = Decoding & {
  mediaType: string;
  /** The name people know it by. */
  name: string;
};

/** Every image type the service accepts, in the order the accepted-types sentence names them. */
export const IMAGE_TYPES: Record<ImageType, ImageTypeCapabilities> = {
  png: { name: 'PNG', mediaType: 'image/png', sharp: true, tesseract: true },
  jpeg: { name: 'JPEG', mediaType: 'image/jpeg', sharp: true, tesseract: true },
  webp: { name: 'WebP', mediaType: 'image/webp', sharp: true, tesseract: true },
  bmp: { name: 'BMP', mediaType: 'image/bmp', sharp: false, tesseract: true, readHeader: readBmpHeader },
  tiff: { name: 'TIFF', mediaType: 'image/tiff', sharp: true, tesseract: true },
  gif: { name: 'GIF', mediaType: 'image/gif', sharp: true, tesseract: true },
  // sharp's own build reads AVIF (but not HEIC); Leptonica inside tesseract.js reads neither.
  avif: { name: 'AVIF', mediaType: 'image/avif', sharp: true, tesseract: false },
  pnm: { name: 'PBM/PGM/PPM', mediaType: 'image/x-portable-anymap', sharp: false, tesseract: true, readHeader: readPnmHeader },
};

const names = Object.values(IMAGE_TYPES).map(({ name }) => name);
/** The accepted types as a phrase for messages and documentation: "PNG, JPEG, … or PBM/PGM/PPM". */
export const ACCEPTED_IMAGE_TYPES = `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;

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
