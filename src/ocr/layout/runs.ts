/** An interval of rows or columns, both ends included. */
export interface Span {
  start: number;
  end: number;
}

export const spanLength = ({ start, end }: Span): number => end - start + 1;

/** Runs of consecutive indexes whose `inked(index)` holds, from `from` to `to` inclusive. */
export function inkedRuns(from: number, to: number, inked: (index: number) => boolean): Span[] {
  const runs: Span[] = [];
  let start = -1;
  for (let index = from; index <= to + 1; index += 1) {
    const on = index <= to && inked(index);
    if (on && start < 0) start = index;
    if (!on && start >= 0) {
      runs.push({ start, end: index - 1 });
      start = -1;
    }
  }
  return runs;
}

/** Joins runs separated by fewer than `gap` indexes: what is left between them is a gap at least that wide. */
export function joinRuns(runs: readonly Span[], gap: number): Span[] {
  const joined: Span[] = [];
  for (const run of runs) {
    const last = joined.at(-1);
    if (last && run.start - last.end - 1 < gap) last.end = run.end;
    else joined.push({ ...run });
  }
  return joined;
}

/** The blank stretches between consecutive runs. */
export function gapsBetween(runs: readonly Span[]): Span[] {
  return runs.slice(1).map((run, index) => ({ start: runs[index]!.end + 1, end: run.start - 1 }));
}

/**
 * Ink pixels in each row from `left` to `right`. This and the other loops over every pixel are functions of their
 * own, not loops inside a larger function: V8 then optimises each once with what it has seen of every line.
 */
export function inkPerRow(ink: Uint8Array, width: number, top: number, bottom: number, left: number, right: number): Uint32Array {
  const rowInk = new Uint32Array(bottom - top + 1);
  for (let y = top; y <= bottom; y += 1) {
    let sum = 0;
    for (let at = y * width + left, end = y * width + right; at <= end; at += 1) sum += ink[at]!;
    rowInk[y - top] = sum;
  }
  return rowInk;
}

/** Ink pixels in each column of the page, from row `top` to row `bottom`. */
export function inkPerColumn(ink: Uint8Array, width: number, top: number, bottom: number): Uint32Array {
  const columnInk = new Uint32Array(width);
  for (let row = top * width; row <= bottom * width; row += width) for (let x = 0; x < width; x += 1) columnInk[x]! += ink[row + x]!;
  return columnInk;
}
