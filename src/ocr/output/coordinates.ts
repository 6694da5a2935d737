import type { Box, TextBox } from '../../formats.js';
import type { ImageTransform } from '../analysis/preprocess.js';

/** Maps a point of the image tesseract read back to the image the user sent. */
export type PointMapper = (x: number, y: number) => [number, number];

/** For an image tesseract read as it was uploaded. */
export const unchangedPoint: PointMapper = (x, y) => [x, y];

/**
 * Undoes a quarter turn: `rotation` degrees clockwise took a point of the uploaded image (`width` × `height`) to
 * (x, y) of the turned one; this gives the point back.
 */
function unturn(x: number, y: number, rotation: number, width: number, height: number): [number, number] {
  if (rotation === 90) return [y, height - x];
  if (rotation === 180) return [width - x, height - y];
  if (rotation === 270) return [width - y, x];
  return [x, y];
}

/**
 * Undoes preprocessing for coordinates: tesseract's deskew turned the prepared image by `rotateRadians` about its
 * centre, preprocessing scaled the turned upload by `scale`, and turned the upright upload by `rotation`.
 */
export function createPointMapper({ width, height, scale, rotation }: ImageTransform, rotateRadians: number): PointMapper {
  const sideways = rotation === 90 || rotation === 270;
  const centreX = ((sideways ? height : width) * scale) / 2;
  const centreY = ((sideways ? width : height) * scale) / 2;
  // Turning back by the deskew angle undoes it (checked against boxes read from the skewed image itself).
  const cos = Math.cos(-rotateRadians);
  const sin = Math.sin(-rotateRadians);
  return (x, y) => {
    const dx = x - centreX;
    const dy = y - centreY;
    return unturn((centreX + dx * cos - dy * sin) / scale, (centreY + dx * sin + dy * cos) / scale, rotation, width, height);
  };
}

const clamp = (value: number, max: number) => Math.min(max, Math.max(0, Math.round(value)));

/** Maps a box through the mapper: the upright box that holds all four mapped corners, inside the image. */
export function mapBox(box: Box, map: PointMapper, { width, height }: ImageTransform): Box {
  const corners = [map(box.x0, box.y0), map(box.x1, box.y0), map(box.x0, box.y1), map(box.x1, box.y1)];
  const xs = corners.map(([x]) => x);
  const ys = corners.map(([, y]) => y);
  return {
    x0: clamp(Math.min(...xs), width),
    y0: clamp(Math.min(...ys), height),
    x1: clamp(Math.max(...xs), width),
    y1: clamp(Math.max(...ys), height),
  };
}

export function mapTextBoxes(boxes: TextBox[], map: PointMapper, transform: ImageTransform): TextBox[] {
  return boxes.map((box) => ({ ...box, bbox: mapBox(box.bbox, map, transform) }));
}

/** Rewrites every `bbox x0 y0 x1 y1` of an hOCR document. */
export function mapHocr(hocr: string, map: PointMapper, transform: ImageTransform): string {
  return hocr.replace(/bbox (\d+) (\d+) (\d+) (\d+)/g, (_, x0: string, y0: string, x1: string, y1: string) => {
    const box = mapBox({ x0: Number(x0), y0: Number(y0), x1: Number(x1), y1: Number(y1) }, map, transform);
    return `bbox ${box.x0} ${box.y0} ${box.x1} ${box.y1}`;
  });
}

/** TSV columns 7 to 10 (left, top, width, height) are the box of each row. */
const TSV_BOX_COLUMN = 6;

/** Rewrites the left, top, width and height columns of tesseract's TSV (the header row has no numbers and stays as it is). */
export function mapTsv(tsv: string, map: PointMapper, transform: ImageTransform): string {
  return tsv
    .split('\n')
    .map((line) => {
      const cells = line.split('\t');
      const [left, top, boxWidth, boxHeight] = cells.slice(TSV_BOX_COLUMN, TSV_BOX_COLUMN + 4).map(Number);
      if (cells.length < TSV_BOX_COLUMN + 4 || [left, top, boxWidth, boxHeight].some((value) => !Number.isFinite(value))) return line;
      const box = mapBox({ x0: left!, y0: top!, x1: left! + boxWidth!, y1: top! + boxHeight! }, map, transform);
      cells.splice(TSV_BOX_COLUMN, 4, String(box.x0), String(box.y0), String(box.x1 - box.x0), String(box.y1 - box.y0));
      return cells.join('\t');
    })
    .join('\n');
}
