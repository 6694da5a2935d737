import { AppError } from '../errors.js';

/** A page (`7`), a range (`1-3`), or a range to the last page (`2-`). */
const RANGE = /^(\d+)(\s*-\s*(\d*))?$/;

/**
 * The pages a `pages` field selects (`1-3,7`, `2-` for page 2 to the end; default every page), 1-based, in the order
 * given, each once. Throws INVALID_PARAMETER for a malformed selection or one that names a page the document does
 * not have.
 */
export function selectPages(selection: string | undefined, pageCount: number): number[] {
  if (selection === undefined || selection.trim() === '') return Array.from({ length: pageCount }, (_, index) => index + 1);
  const pages = new Set<number>();
  for (const part of selection.split(',')) {
    const match = RANGE.exec(part.trim());
    const first = Number(match?.[1]);
    const last = match?.[2] === undefined ? first : match[3] ? Number(match[3]) : pageCount;
    if (!match || first < 1 || last < first) {
      throw new AppError('INVALID_PARAMETER', `pages must be page numbers and ranges such as 1-3,7 or 2-; got ${JSON.stringify(selection)}.`);
    }
    if (last > pageCount) {
      throw new AppError(
        'INVALID_PARAMETER',
        `pages=${selection} names page ${last}, but the document has ${pageCount} page${pageCount === 1 ? '' : 's'}.`,
      );
    }
    for (let page = first; page <= last; page += 1) pages.add(page);
  }
  return [...pages];
}
