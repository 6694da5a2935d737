import type { Table } from '../../src/formats.js';
import { normaliseText } from './error-rate.js';

/** A page's tables as the generator writes them (`<name>.tables.json`): tables, each rows, each cell strings, header first. */
export type ExpectedTables = string[][][];

export interface CellScore {
  /** Cells of the expected tables given exactly. */
  exact: number;
  /** Cells of the expected tables. */
  total: number;
}

/** More CER than raw tesseract.js (PSM 3) reads the same page with, by which a page counts as read worse. */
export const WORSE_THAN_RAW = 0.02;

/** Whether a page read at `serviceCer` reads worse than raw tesseract.js read it at `rawCer`. */
export const readsWorseThanRaw = (serviceCer: number, rawCer: number): boolean => serviceCer - rawCer > WORSE_THAN_RAW;

/**
 * Counts the expected cells a result's tables give exactly: tables matched in order, rows by index, cells by column,
 * each compared after collapsing whitespace. A table, row or cell the result lacks counts as wrong; what it has beyond
 * the expected ones is not counted here.
 */
export function scoreTableCells(expected: ExpectedTables, found: readonly Table[] | undefined): CellScore {
  let exact = 0;
  let total = 0;
  expected.forEach((rows, t) =>
    rows.forEach((cells, r) =>
      cells.forEach((cell, c) => {
        total += 1;
        const given = found?.[t]?.rows[r]?.[c];
        if (given !== undefined && normaliseText(given) === normaliseText(cell)) exact += 1;
      }),
    ),
  );
  return { exact, total };
}

/** The sum of several pages' cell scores. */
export const addCellScores = (scores: readonly CellScore[]): CellScore =>
  scores.reduce((sum, score) => ({ exact: sum.exact + score.exact, total: sum.total + score.total }), { exact: 0, total: 0 });
