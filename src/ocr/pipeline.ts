import type { ExtraOutput, OcrEngine, Recognition } from './engine.js';
import { createPointMapper, mapHocr, mapTextBoxes, mapTsv } from './coordinates.js';
import { detectImageType, IMAGE_TYPES } from './image-type.js';
import { convertToPng, preprocessImage, type PreparedImage } from './preprocess.js';

export interface PipelineRequest {
  image: Buffer;
  lang: string;
  /** The client's page segmentation mode; preprocessing picks one per page when absent. */
  psm?: number;
  /** False sends the image to tesseract exactly as uploaded. */
  preprocess: boolean;
  outputs: readonly ExtraOutput[];
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
 * parameters preprocessing chose (deskew included), then coordinates mapped back. Types sharp cannot
 * decode go to tesseract as they are, as does everything when `preprocess` is false (converted to PNG
 * first when tesseract cannot decode the type itself).
 */
export function createOcrPipeline({ engine, maxPixels }: PipelineDependencies): OcrPipeline {
  return {
    async run({ image, lang, psm, preprocess, outputs, onProgress }) {
      const type = detectImageType(image);
      const capabilities = type && IMAGE_TYPES[type];
      if (!preprocess || capabilities?.sharp === false) {
        const readable = capabilities?.tesseract === false ? await convertToPng(image, { maxPixels }) : image;
        return engine.recognize({ image: readable, lang, psm, outputs, onProgress });
      }

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
