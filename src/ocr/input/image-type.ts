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

const BY_MEDIA_TYPE = new Map(Object.values(IMAGE_TYPES).map((capabilities) => [capabilities.mediaType, capabilities]));

/** What decodes an image of this media type (the type the upload's bytes were found to be); undefined for any other. */
export function imageTypeCapabilities(mediaType: string): ImageTypeCapabilities | undefined {
  return BY_MEDIA_TYPE.get(mediaType);
}
