/**
 * An archived page is numbered by `page`, as a task's pages are: records archived before kept the number as
 * `number`. Every page of a record has the same fields, so the first one tells which records to rewrite.
 */
export const sql = `
UPDATE archive_texts SET pages = (
  SELECT jsonb_agg(jsonb_build_object('page', item.element -> 'number', 'text', item.element -> 'text') ORDER BY item.position)
  FROM jsonb_array_elements(pages) WITH ORDINALITY AS item(element, position)
)
WHERE pages -> 0 ? 'number';
`;
