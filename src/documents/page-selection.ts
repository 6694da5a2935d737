import { AppError } from '../errors.js';

const RANGE = /^(\d+)(?:\s*-\s*(\d+))?$/;

/**
 * The pages a `pages` field selects (`1-3,7`; default every page), 1-based, in the order given, each once. Throws
 * INVALID_PARAMETER for a malformed selection or one that names a page the document does not have.
 */
export function selectPages(selection: string | undefined, pageCount: number): number[] {
  if (selection === undefined || selection.trim() === '') return Array.from({ length: pageCount }, (_, index) => index + 1);
  const pages = new Set<number>();
  for (const part of selection.split(',')) {
    const match = RANGE.exec(part.trim());
    const first = Number(match?.[1]);
    const last = Number(match?.[2] ?? match?.[1]);
    if (!match || first < 1 || last < first) {
      throw new AppError('INVALID_PARAMETER', `pages must be page numbers and ranges such as 1-3,7; got ${JSON.stringify(selection)}.`);
    }
    if (last > pageCount) {
      throw new AppError('INVALID_PARAMETER', `pages=${selection} names page ${last}, but the document has ${pageCount} page${pageCount === 1 ? '' : 's'}.`);
    }
    for (let page = first; page <= last; page += 1) pages.add(page);
  }
  return [...pages];
}
