import type { ProducedOutputs } from '../../formats.js';
import type { LayoutBox } from '../layout/find-layout.js';
import type { TsvBox } from '../reading/tsv-rows.js';

/**
 * What the engine can return besides the text: boxes, hOCR, TSV, and the image as it read it (for a PDF of a type
 * only tesseract decodes). The searchable PDF is built by the pipeline from the words, on the uploaded image.
 */
export type EngineOutput = 'words' | 'lines' | 'hocr' | 'tsv' | 'image';

/** One recognition request, already validated. */
export interface RecognizeRequest {
  image: Buffer;
  /** Language set such as `eng` or `eng+deu`. */
  lang: string;
  psm?: number;
  /**
   * Straightens a skewed page before reading it: turns it by this angle in radians (tesseract's sign), or by the
   * angle tesseract's own line fit finds (`'fit'`, which costs it a layout analysis of the whole page first).
   */
  deskew?: number | 'fit';
  /** Reads only this part of the image (in pixels of the image once turned by `deskew`); boxes stay in the whole image's. */
  rectangle?: LayoutBox;
  /** Tesseract parameters for this image only; every job sets them afresh on its warm worker. */
  parameters?: Record<string, string>;
  /**
   * The page is a picture (reading/background-marks.ts): what tesseract read from its background rather than its text
   * is left out of the text, the boxes and the renditions alike.
   */
  picture?: boolean;
  /** Outputs wanted besides the text, which every recognition returns. */
  outputs?: readonly EngineOutput[];
  /** Called with the fraction done, 0 to 1, as tesseract reports it. */
  onProgress?: (fraction: number) => void;
}

/**
 * The text and the outputs asked for; boxes are in the coordinates of the image given to the engine. The PDF is
 * the pipeline's to build, on the uploaded image.
 */
export interface Recognition extends Omit<ProducedOutputs, 'pdf'> {
  /** Mean word confidence, 0 to 100. */
  confidence: number;
  psm: number;
  recognitionMs: number;
  /** The angle tesseract turned the image by before reading it (deskew), in radians; 0 when it did not. */
  rotateRadians: number;
  /** Where each non-blank line of the text sits, in order, with tesseract's block number. */
  lineBoxes: TsvBox[];
  /** The image as tesseract read it (decoded, EXIF orientation applied, turned when it deskewed), as PNG. */
  image?: Buffer;
}

/** What tesseract's orientation detection found on a page. */
export interface OrientationGuess {
  /** Degrees clockwise that turn the page upright. */
  rotation: 0 | 90 | 180 | 270;
  /** Tesseract's confidence in it: how far the best orientation's score leads the next one's (0 when they tie). */
  confidence: number;
}

/** Turns an image into text. Throws AppError OCR_TIMEOUT or OCR_FAILED; never crashes the process. */
export interface OcrEngine {
  recognize(request: RecognizeRequest): Promise<Recognition>;
  /**
   * Tesseract's orientation and script detection on a page (its legacy classifier, loaded on first use only), or
   * undefined when it found too little text to tell.
   */
  detectOrientation(image: Buffer): Promise<OrientationGuess | undefined>;
  /** Creates the warm workers for a language set ahead of the first job. */
  warmUp(lang: string): Promise<void>;
  close(): Promise<void>;
}
