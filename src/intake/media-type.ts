/**
 * The one place that tells an upload's type from its bytes. Every later step (the checks, the job, the worker,
 * the pipeline) is given the type found here and trusts it: reading the signatures again elsewhere could only
 * disagree with this answer.
 */
import { AppError } from '../errors.js';
import { PDF_MEDIA_TYPE } from '../documents/document-source.js';
import { ACCEPTED_IMAGE_TYPES, IMAGE_TYPES, type ImageType } from '../ocr/input/image-type.js';

/** What an upload is: one of the image types the engine reads, or a PDF. */
export type UploadType = ImageType | 'pdf';

const startsWith = (bytes: Buffer, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((byte, index) => bytes[offset + index] === byte);

const ascii = (text: string): number[] => [...text].map((char) => char.charCodeAt(0));

const isWhitespace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/** An image's type from its first bytes; undefined for anything that is not an image type the OCR engine reads. */
function detectImageType(bytes: Buffer): ImageType | undefined {
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

/** PDF readers allow anything before the header in the first kilobyte, so a PDF is found there, not only at the start. */
const PDF_HEADER_WITHIN = 1024;

/**
 * Decides an upload's type from its first bytes, whatever its name or declared content type say. An image's own
 * signature wins over a PDF header further in, so an image whose bytes happen to hold `%PDF-` stays an image.
 * Returns undefined for anything the service does not read.
 */
export function detectUploadType(bytes: Buffer): UploadType | undefined {
  const image = detectImageType(bytes);
  if (image) return image;
  return bytes.subarray(0, PDF_HEADER_WITHIN).includes('%PDF-') ? 'pdf' : undefined;
}

/** The upload's type, told from its bytes; throws UNSUPPORTED_MEDIA_TYPE when it is none the service reads. */
export function requireUploadType(bytes: Buffer): UploadType {
  const type = detectUploadType(bytes);
  if (!type) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The file is not an image we can read. Send ${ACCEPTED_IMAGE_TYPES}, or a PDF.`);
  return type;
}

/** The media type the job carries for an upload of this type. */
export function mediaTypeOf(type: UploadType): string {
  return type === 'pdf' ? PDF_MEDIA_TYPE : IMAGE_TYPES[type].mediaType;
}
