import { AppError } from '../errors.js';

/** Where a page of search results ended: the last hit's score and task id (results are ordered by both). */
export interface SearchPosition {
  score: number;
  taskId: string;
}

/** An opaque, URL-safe cursor for the page after `position`. */
export function encodeCursor(position: SearchPosition): string {
  return Buffer.from(JSON.stringify([position.score, position.taskId])).toString('base64url');
}

/** The position a cursor names; INVALID_PARAMETER when it is not one this service made. */
export function decodeCursor(cursor: string): SearchPosition {
  try {
    const [score, taskId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof score === 'number' && typeof taskId === 'string') return { score, taskId };
  } catch {
    // reported below
  }
  throw new AppError('INVALID_PARAMETER', 'The cursor is not valid: pass next_cursor from the previous page unchanged.');
}
