import { describe, expect, it } from 'vitest';
import { selectPages } from '../../src/intake/page-selection.js';

describe('the pages a pages= field selects', () => {
  it('is every page when left out or empty', () => {
    expect(selectPages(undefined, 3)).toEqual([1, 2, 3]);
    expect(selectPages(' ', 2)).toEqual([1, 2]);
  });

  it('reads pages and ranges in the order given, each page once, and open ranges to the last page', () => {
    expect(selectPages('2-3', 5)).toEqual([2, 3]);
    expect(selectPages('1-3,7', 9)).toEqual([1, 2, 3, 7]);
    expect(selectPages('4, 1-2, 2', 5)).toEqual([4, 1, 2]);
    expect(selectPages('3-', 5)).toEqual([3, 4, 5]);
    expect(selectPages('1-', 1)).toEqual([1]);
  });

  it.each(['0', '3-1', 'a', '1,,2', '-2', '1-2-3'])('refuses %j with INVALID_PARAMETER', (selection) => {
    expect(() => selectPages(selection, 5)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });

  it('refuses a page the document does not have, saying how many it has', () => {
    expect(() => selectPages('2-4', 3)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER', message: expect.stringContaining('3 pages') }));
    expect(() => selectPages('2', 1)).toThrow(expect.objectContaining({ message: expect.stringContaining('1 page.') }));
  });
});
