import type { OutputFormat, Region, Table } from '../formats.js';
import type { EngineOutput, OcrEngine, Recognition, RecognizeRequest } from './engine/engine.js';
import { createPointMapper, mapBox, mapHocr, mapTextBoxes, mapTsv, unchangedPoint, type PointMapper } from './output/coordinates.js';
import { blockRegions } from './reading/page-regions.js';
import { readPage, type PageReading } from './reading/read-page.js';
import { isPicture } from './reading/background-marks.js';
import { imageTypeCapabilities, type ImageTypeCapabilities } from './input/image-type.js';
import type { LanguageIdentifier } from './engine/language-identification.js';
import { AUTO_LANGUAGE } from './engine/languages.js';
import { convertToPng, decodeGray, preprocessImage, readPageImage, type PreparedImage, type QuarterTurn } from './analysis/preprocess.js';
import { inDoubt, rotationConfidence, turnsPage, turnToTry, type TurnDecision, type TurnEvidence } from './reading/page-turn.js';
import { buildSearchablePdf } from './output/searchable-pdf.js';
import type { PageImageStorage } from './output/page-image.js';

export interface PipelineRequest {
  image: Buffer;
  /** The image's media type as the upload's check found it from its bytes, which decides who decodes it. */
  mediaType: string;
  /** A language set such as `eng+deu`, or `auto` to find the page's language. */
  lang: string;
  /** The client's page segmentation mode; preprocessing picks one per page when absent. */
  psm?: number;
  /** False sends the image to tesseract exactly as uploaded. */
  preprocess: boolean;
  outputs: readonly OutputFormat[];
  /** How a searchable PDF stores the image: `lossless` (the default) for an upload, `scan` for a page of a document. */
  pdfImage?: PageImageStorage;
  onProgress?: (fraction: number) => void;
}

export interface PipelineResult extends Omit<Recognition, 'image' | 'lineBoxes'> {
  /** The language set the page was read with: the one asked for, or the one found for `auto`. */
  lang: string;
  /** Degrees the upload was turned clockwise to read it upright (0 unless it was found sideways or upside down). */
  rotation: QuarterTurn;
  /** How sure the service is of `rotation`, 0 to 1 (reading/page-turn.ts). */
  rotationConfidence: number;
  /** The page's regions in reading order. */
  regions: Region[];
  /** The page's tables, cell by cell. */
  tables: Table[];
  /** A searchable PDF: the uploaded image at its resolution, under an invisible text layer. */
  pdf?: Uint8Array;
  /** What preprocessing measured and did; absent when it was skipped. */
  preprocessing?: PreparedImage['analysis'] & PreparedImage['parameters'] & { scale: number; deskewRadians: number; orientation?: TurnEvidence };
}

export interface OcrPipeline {
  run(request: PipelineRequest): Promise<PipelineResult>;
}

export interface PipelineDependencies {
  engine: OcrEngine;
  /** MAX_IMAGE_PIXELS: sharp refuses to decode anything larger. */
  maxPixels: number;
  /** Finds the language of a first read, for `lang=auto`. */
  identifyLanguage: LanguageIdentifier;
}

/**
 * The language `lang=auto` reads a page with first, to identify its language from the words: English, the most
 * common, so an English page is read once.
 */
const AUTO_FIRST_LANGUAGE = 'eng';

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
  { maxPixels, storage }: { maxPixels: number; storage: PageImageStorage | undefined },
): Promise<Uint8Array> {
  // Types sharp cannot decode come back from tesseract as PNG, which keeps no resolution: take it from the header.
  const page =
    capabilities?.sharp === false
      ? { ...(await readPageImage(recognition.image!, { maxPixels }, storage)), density: capabilities.readHeader(upload)?.dpi }
      : await readPageImage(upload, { maxPixels }, storage);
  return buildSearchablePdf(page, recognition.words ?? [], map);
}

/** Without the full TSV a page's tables needed for their words, when the client did not ask for it. */
const withoutUnasked = ({ tsv, ...recognition }: Recognition, outputs: readonly OutputFormat[]): Recognition =>
  outputs.includes('tsv') && tsv !== undefined ? { ...recognition, tsv } : recognition;

/** The result as asked for: words only when wanted (a PDF needs them too), and never the engine's image. */
function asRequested(
  { image: _image, words, lineBoxes: _lineBoxes, ...recognition }: Recognition,
  outputs: readonly OutputFormat[],
): Omit<PipelineResult, 'lang' | 'rotation' | 'rotationConfidence' | 'regions' | 'tables'> {
  return { ...recognition, ...(outputs.includes('words') && words && { words }) };
}

/** A read in the language `lang` names, or for `auto` in the language found in a first read's words. */
async function readInLanguage(
  lang: string,
  identifyLanguage: LanguageIdentifier,
  firstRead: (language: string) => Promise<Recognition>,
  readAgain: (language: string) => Promise<Recognition>,
): Promise<{ recognition: Recognition; lang: string }> {
  if (lang !== AUTO_LANGUAGE) return { recognition: await firstRead(lang), lang };
  const first = await firstRead(AUTO_FIRST_LANGUAGE);
  const found = identifyLanguage(first.text) ?? AUTO_FIRST_LANGUAGE;
  return found === AUTO_FIRST_LANGUAGE ? { recognition: first, lang: found } : { recognition: await readAgain(found), lang: found };
}

/**
 * The service's OCR: preprocessing with sharp, then the engine with the segmentation mode and parameters
 * preprocessing chose (deskew included), then coordinates mapped back. A picture's reads leave out what tesseract took
 * from its background (reading/background-marks.ts). A page read with low confidence is turned by a
 * quarter turn only on evidence (reading/page-turn.ts). Types sharp cannot decode go to tesseract as they are,
 * as does everything when `preprocess` is false (converted to PNG first when tesseract cannot decode the type itself).
 */
export function createOcrPipeline({ engine, maxPixels, identifyLanguage }: PipelineDependencies): OcrPipeline {
  return {
    async run({ image, mediaType, lang, psm, preprocess, outputs, pdfImage, onProgress }) {
      const capabilities = imageTypeCapabilities(mediaType);
      const sharpDecodes = capabilities?.sharp !== false;
      const wanted = engineOutputs(outputs, sharpDecodes);
      const withPdf = async (recognition: Recognition, map: PointMapper) =>
        outputs.includes('pdf') ? { pdf: await searchablePdf(image, capabilities, recognition, map, { maxPixels, storage: pdfImage }) } : {};
      let spentMs = 0;
      const recognize = async (request: RecognizeRequest): Promise<Recognition> => {
        const recognition = await engine.recognize({ outputs: wanted, ...request, onProgress });
        spentMs += recognition.recognitionMs;
        return recognition;
      };

      if (!preprocess || !sharpDecodes) {
        const readable = capabilities?.tesseract === false ? await convertToPng(image, { maxPixels }) : image;
        const readRaw = (language: string) => recognize({ image: readable, lang: language, psm });
        const read = await readInLanguage(lang, identifyLanguage, readRaw, readRaw);
        const recognition = { ...read.recognition, recognitionMs: spentMs };
        return {
          ...asRequested(recognition, outputs),
          ...(await withPdf(recognition, unchangedPoint)),
          lang: read.lang,
          rotation: 0,
          // Read as uploaded: no turn was looked for.
          rotationConfidence: 1,
          regions: blockRegions(recognition),
          tables: [],
        };
      }

      const readInRegions = (page: PreparedImage, language: string) =>
        readPage(
          page,
          ({ words, ...request }) =>
            recognize({
              image: page.image,
              lang: language,
              parameters: page.parameters,
              picture: isPicture(page.analysis),
              ...request,
              ...(words && { outputs: [...new Set<EngineOutput>([...wanted, 'tsv'])] }),
            }),
          psm,
        );
      // Decoded once: every turn tried is prepared from the same canonical gray picture.
      const gray = await decodeGray(image, { maxPixels });
      let prepared = await preprocessImage(gray);
      let reading: PageReading | undefined;
      let turn: TurnDecision = { rotation: 0, confidence: 1 };
      const readUpright = async (language: string): Promise<Recognition> => {
        reading = await readInRegions(prepared, language);
        if (!inDoubt(reading.recognition)) return reading.recognition;
        // Only a doubtful read pays for the evidence: orientation detection, and a second read if it finds a turn.
        const evidence: TurnEvidence = {
          upright: reading.recognition.confidence,
          ...(await engine.detectOrientation(prepared.image).then((detected) => detected && { detected })),
        };
        const rotation = turnToTry(evidence);
        if (rotation !== undefined) {
          const turned = await preprocessImage(gray, rotation);
          const turnedReading = await readInRegions(turned, language);
          evidence.turned = turnedReading.recognition.confidence;
          if (turnsPage(evidence)) [prepared, reading] = [turned, turnedReading];
        }
        const { rotation: chosen } = prepared.transform;
        turn = { rotation: chosen, confidence: rotationConfidence(chosen, evidence), evidence };
        return reading.recognition;
      };
      const readAgain = async (language: string) => {
        reading = await readInRegions(prepared, language);
        return reading.recognition;
      };
      const read = await readInLanguage(lang, identifyLanguage, readUpright, readAgain);
      const recognition = { ...read.recognition, recognitionMs: spentMs };
      const map = createPointMapper(prepared.transform, recognition.rotateRadians);
      const { regions, tables } = reading!;
      return {
        ...asRequested(restoreCoordinates(withoutUnasked(recognition, outputs), prepared, map), outputs),
        regions: regions.map((region) => ({ ...region, bbox: mapBox(region.bbox, map, prepared.transform) })),
        tables: tables.map((table) => ({ ...table, bbox: mapBox(table.bbox, map, prepared.transform) })),
        ...(await withPdf(recognition, map)),
        lang: read.lang,
        rotation: turn.rotation,
        rotationConfidence: turn.confidence,
        preprocessing: {
          ...prepared.analysis,
          ...prepared.parameters,
          scale: prepared.transform.scale,
          deskewRadians: recognition.rotateRadians,
          ...(turn.evidence && { orientation: turn.evidence }),
        },
      };
    },
  };
}
