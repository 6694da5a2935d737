import type { OutputFormat } from '../formats.js';
import type { OcrEngine, Recognition } from './engine.js';
import { createPointMapper, mapHocr, mapTextBoxes, mapTsv } from './coordinates.js';
import sharp from 'sharp';
import { detectImageType, NEEDS_CONVERSION } from './image-type.js';
import { preprocessImage, type PreparedImage } from './preprocess.js';

export interface PipelineRequest {
  image: Buffer;
  lang: string;
  /** The client's page segmentation mode; preprocessing picks one per page when absent. */
  psm?: number;
  /** False sends the image to tesseract exactly as uploaded. */
  preprocess: boolean;
  outputs: readonly OutputFormat[];
  onProgress?: (fraction: number) => void;
}

export interface PipelineResult extends Recognition {
  /** What preprocessing measured and did; absent when it was skipped. */
  preprocessing?: PreparedImage['analysis'] & PreparedImage['parameters'] & { scale: number; deskewRadians: number };
}

export interface OcrPipeline {
  run(request: PipelineRequest): Promise<PipelineResult>;
}

export interface PipelineDependencies {
  engine: OcrEngine;
  /** MAX_IMAGE_PIXELS: sharp refuses to decode anything larger. */
  maxPixels: number;
}

/** Boxes, hOCR and TSV come back in the coordinates of the image the user sent. */
function restoreCoordinates(recognition: Recognition, prepared: PreparedImage): Recognition {
  const { transform } = prepared;
  const map = createPointMapper(transform, recognition.rotateRadians);
  return {
    ...recognition,
    ...(recognition.words && { words: mapTextBoxes(recognition.words, map, transform) }),
    ...(recognition.lines && { lines: mapTextBoxes(recognition.lines, map, transform) }),
    ...(recognition.hocr !== undefined && { hocr: mapHocr(recognition.hocr, map, transform) }),
    ...(recognition.tsv !== undefined && { tsv: mapTsv(recognition.tsv, map, transform) }),
  };
}

/**
 * The service's OCR: preprocessing with sharp, then the engine with the segmentation mode and
 * parameters preprocessing chose (deskew included), then coordinates mapped back. BMP and Netpbm,
 * which sharp cannot read, go to tesseract as they are, as does everything when `preprocess` is false.
 */
export function createOcrPipeline({ engine, maxPixels }: PipelineDependencies): OcrPipeline {
  return {
    async run({ image, lang, psm, preprocess, outputs, onProgress }) {
      const type = detectImageType(image);
      if (!preprocess && type && NEEDS_CONVERSION.includes(type)) {
        const png = await sharp(image, { limitInputPixels: maxPixels }).png().toBuffer();
        return engine.recognize({ image: png, lang, psm, outputs, onProgress });
      }
      if (!preprocess || type === 'bmp' || type === 'pnm') return engine.recognize({ image, lang, psm, outputs, onProgress });

      const prepared = await preprocessImage(image, { maxPixels });
      const recognition = await engine.recognize({
        image: prepared.image,
        lang,
        psm: psm ?? prepared.psm,
        deskew: true,
        parameters: prepared.parameters,
        outputs,
        onProgress,
      });
      return {
        ...restoreCoordinates(recognition, prepared),
        preprocessing: {
          ...prepared.analysis,
          ...prepared.parameters,
          scale: prepared.transform.scale,
          deskewRadians: recognition.rotateRadians,
        },
      };
    },
  };
}
