import { describe, expect, it } from 'vitest';
import type { Table } from '../../src/formats.js';
import { addCellScores, readsWorseThanRaw, scoreTableCells, type ExpectedTables } from './layout-scores.js';

const bbox = { x0: 0, y0: 0, x1: 100, y1: 50 };
const table = (rows: string[][]): Table => ({ bbox, rows });

const PRICES: ExpectedTables = [
  [
    ['Item', 'Qty', 'Unit price', 'Amount'],
    ['paper towels', '2', '13.50', '27.00'],
    ['stapler', '1', '4.20', '4.20'],
  ],
];

describe('table cell scores', () => {
  it('counts every cell of a table given exactly, whitespace collapsed', () => {
    const found = [
      table([
        ['Item', 'Qty', 'Unit  price', 'Amount'],
        [' paper towels', '2', '13.50', '27.00 '],
        ['stapler', '1', '4.20', '4.20'],
      ]),
    ];
    expect(scoreTableCells(PRICES, found)).toEqual({ exact: 12, total: 12 });
  });

  it('counts a cell read differently, or in another column, as wrong', () => {
    const found = [
      table([
        ['Item', 'Qty', 'Unit price', 'Amount'],
        ['paper towels 2', '13.50', '27.00', ''],
        ['stapler', '1', '4.20', '4.2O'],
      ]),
    ];
    expect(scoreTableCells(PRICES, found)).toEqual({ exact: 7, total: 12 });
  });

  it('counts the cells of a missing row, a short row and a missing table as wrong, and ignores what is found beyond', () => {
    const twoTables: ExpectedTables = [...PRICES, [['Total'], ['31.20']]];
    const found = [
      table([
        ['Item', 'Qty', 'Unit price'],
        ['paper towels', '2', '13.50', '27.00', 'extra'],
      ]),
    ];
    expect(scoreTableCells(twoTables, found)).toEqual({ exact: 7, total: 14 });
  });

  it('scores no table found as no cell given', () => {
    expect(scoreTableCells(PRICES, undefined)).toEqual({ exact: 0, total: 12 });
    expect(scoreTableCells(PRICES, [])).toEqual({ exact: 0, total: 12 });
  });

  it('matches tables in order: the right cells in the second table found do not count for the first', () => {
    const found = [table([['Subtotal']]), table(PRICES[0]!)];
    expect(scoreTableCells(PRICES, found)).toEqual({ exact: 0, total: 12 });
  });

  it('adds pages up cell by cell', () => {
    expect(
      addCellScores([
        { exact: 7, total: 12 },
        { exact: 3, total: 4 },
      ]),
    ).toEqual({ exact: 10, total: 16 });
    expect(addCellScores([])).toEqual({ exact: 0, total: 0 });
  });
});

describe('pages read worse than raw', () => {
  it('is more than two points of CER above raw', () => {
    expect(readsWorseThanRaw(0.05, 0.02)).toBe(true);
    expect(readsWorseThanRaw(0.035, 0.02)).toBe(false);
    expect(readsWorseThanRaw(0.0, 0.3)).toBe(false);
  });
});
