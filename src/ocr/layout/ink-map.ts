/** Which pixels of a page are ink: 1 for ink, 0 for the background, row after row. */
export interface InkMap {
  ink: Uint8Array;
  width: number;
  height: number;
  /**
   * How many ink pixels each row holds, when the map was made with them counted: a pass over the map then skips the
   * blank rows (the margins and the gaps between lines, most of a page of text).
   */
  rowInk?: Uint32Array;
}

/** `counts` added up: entry `n` is the sum of the first `n` counts. */
function runningTotals(counts: Uint32Array): Float64Array {
  const totals = new Float64Array(counts.length + 1);
  for (let index = 0; index < counts.length; index += 1) totals[index + 1] = totals[index]! + counts[index]!;
  return totals;
}

/**
 * The ink as tesseract sees the page once it has turned it level: turned by `radians` about its centre (tesseract's
 * sign, the angle its deskew turns by), the same size, nearest pixel. Regions found on it are where tesseract reads.
 */
export function rotateInk({ ink, width, height, rowInk }: InkMap, radians: number): InkMap {
  if (radians === 0) return { ink, width, height, ...(rowInk && { rowInk }) };
  const turned = new Uint8Array(width * height);
  const turnedRowInk = new Uint32Array(height);
  const cos = Math.cos(-radians);
  const sin = Math.sin(-radians);
  const centreX = width / 2;
  const centreY = height / 2;
  const inkAbove = rowInk && runningTotals(rowInk);
  for (let y = 0; y < height; y += 1) {
    const dy = y + 0.5 - centreY;
    if (inkAbove) {
      // The rows a row is turned from lie between those of its first and last pixels (the source row moves
      // steadily along it); one more row each way covers rounding. A row turned from blank rows stays blank.
      const atFirst = centreY + (0.5 - centreX) * sin + dy * cos;
      const atLast = centreY + (width - 0.5 - centreX) * sin + dy * cos;
      const top = Math.min(height, Math.max(0, Math.floor(Math.min(atFirst, atLast)) - 1));
      const bottom = Math.min(height, Math.max(0, Math.floor(Math.max(atFirst, atLast)) + 2));
      if (inkAbove[bottom] === inkAbove[top]) continue;
    }
    let inked = 0;
    for (let x = 0; x < width; x += 1) {
      const dx = x + 0.5 - centreX;
      const sourceX = Math.floor(centreX + dx * cos - dy * sin);
      const sourceY = Math.floor(centreY + dx * sin + dy * cos);
      if (sourceX >= 0 && sourceX < width && sourceY >= 0 && sourceY < height) {
        const pixel = ink[sourceY * width + sourceX]!;
        turned[y * width + x] = pixel;
        inked += pixel;
      }
    }
    turnedRowInk[y] = inked;
  }
  return { ink: turned, width, height, rowInk: turnedRowInk };
}

/** How many of the eight pixels around pixel `at` (not on the page's edge) are ink. */
export function inkNeighbours(ink: Uint8Array, at: number, width: number): number {
  return (
    ink[at - width - 1]! +
    ink[at - width]! +
    ink[at - width + 1]! +
    ink[at - 1]! +
    ink[at + 1]! +
    ink[at + width - 1]! +
    ink[at + width]! +
    ink[at + width + 1]!
  );
}

/**
 * The ink without specks: a pixel with at most one ink neighbour is grain or a scanner's dust, and would bridge the
 * blank rows and gutters the layout is read from.
 */
export function withoutSpecks({ ink, width, height, rowInk }: InkMap): InkMap {
  const clean = new Uint8Array(ink.length);
  const cleanRowInk = new Uint32Array(height);
  for (let y = 1; y < height - 1; y += 1) {
    if (rowInk?.[y] === 0) continue;
    let inked = 0;
    for (let x = 1, at = y * width + 1; x < width - 1; x += 1, at += 1) {
      if (ink[at] === 1 && inkNeighbours(ink, at, width) > 1) {
        clean[at] = 1;
        inked += 1;
      }
    }
    cleanRowInk[y] = inked;
  }
  return { ink: clean, width, height, rowInk: cleanRowInk };
}
