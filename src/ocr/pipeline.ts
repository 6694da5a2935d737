import type { OutputFormat } from '../formats.js';
import type { EngineOutput, OcrEngine, Recognition } from './engine.js';
import { createPointMapper, mapHocr, mapTextBoxes, mapTsv, unchangedPoint, type PointMapper } from './coordinates.js';
import { detectImageType, IMAGE_TYPES, type ImageTypeCapabilities } from './image-type.js';
import { convertToPng, preprocessImage, readPageImage, type PreparedImage } from './preprocess.js';
import { buildSearchablePdf } from './searchable-pdf.js';

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

export interface PipelineResult extends Omit<Recognition, 'image'> {
  /** A searchable PDF: the uploaded image at its resolution, under an invisible text layer. */
  pdf?: Uint8Array;
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
function restoreCoordinates(recognition: Recognition, prepared: PreparedImage, map: PointMapper): Recognition {
  const { transform } = prepared;
  return {
    ...recognition,
    ...(recognition.words && { words: mapTextBoxes(recognition.words, map, transform) }),
    ...(recognition.lines && { lines: mapTextBoxes(recognition.lines, map, transform) }),
    ...(recognition.hocr !== undefined && { hocr: mapHocr(recognition.hocr, map, transform) }),
    ...(recognition.tsv !== undefined && { tsv: mapTsv(recognition.tsv, map, transform) }),
  };
}

/**
 * What the engine must return: the renditions asked for, and for a PDF the words to lay over the image (plus,
 * for a type sharp cannot decode, the image as tesseract decoded it).
 */
function engineOutputs(outputs: readonly OutputFormat[], sharpDecodes: boolean): EngineOutput[] {
  const wanted = new Set<EngineOutput>(outputs.filter((output): output is OutputFormat & EngineOutput => output !== 'pdf' && output !== 'text'));
  if (outputs.includes('pdf')) {
    wanted.add('words');
    if (!sharpDecodes) wanted.add('image');
  }
  return [...wanted];
}

/**
 * The searchable PDF, built here rather than by tesseract, whose PDF holds the image it read (upscaled, gray,
 * maybe inverted) at the resolution preprocessing gave it. `map` takes the engine's words to the upload's pixels.
 */
async function searchablePdf(
  upload: Buffer,
  capabilities: ImageTypeCapabilities | undefined,
  recognition: Recognition,
  map: PointMapper,
  maxPixels: number,
): Promise<Uint8Array> {
  // Types sharp cannot decode come back from tesseract as PNG, which keeps no resolution: take it from the header.
  const page =
    capabilities?.sharp === false
      ? { ...(await readPageImage(recognition.image!, { maxPixels })), density: capabilities.readHeader(upload)?.dpi }
      : await readPageImage(upload, { maxPixels });
  return buildSearchablePdf(page, recognition.words ?? [], map);
}

/** The result as asked for: words only when wanted (a PDF needs them too), and never the engine's image. */
function asRequested({ image: _image, words, ...recognition }: Recognition, outputs: readonly OutputFormat[]): PipelineResult {
  return { ...recognition, ...(outputs.includes('words') && words && { words }) };
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
      const sharpDecodes = capabilities?.sharp !== false;
      const wanted = engineOutputs(outputs, sharpDecodes);
      const withPdf = async (recognition: Recognition, map: PointMapper) =>
        outputs.includes('pdf') ? { pdf: await searchablePdf(image, capabilities, recognition, map, maxPixels) } : {};

      if (!preprocess || !sharpDecodes) {
        const readable = capabilities?.tesseract === false ? await convertToPng(image, { maxPixels }) : image;
        const recognition = await engine.recognize({ image: readable, lang, psm, outputs: wanted, onProgress });
        return { ...asRequested(recognition, outputs), ...(await withPdf(recognition, unchangedPoint)) };
      }

      const prepared = await preprocessImage(image, { maxPixels });
      const recognition = await engine.recognize({
        image: prepared.image,
        lang,
        psm: psm ?? prepared.psm,
        // Tesseract's deskew costs a second layout analysis of the page: pay it only for a page measured as skewed
        // (tesseract's line fit then finds the exact angle, which long lines are sensitive to).
        deskew: prepared.analysis.skewRadians !== 0,
        parameters: prepared.parameters,
        outputs: wanted,
        onProgress,
      });
      const map = createPointMapper(prepared.transform, recognition.rotateRadians);
      return {
        ...asRequested(restoreCoordinates(recognition, prepared, map), outputs),
        ...(await withPdf(recognition, map)),
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
