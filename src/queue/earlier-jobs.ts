import type { DocumentPart, JobKind, OcrOptions } from '../job.js';

/** A job's options as versions that did not name a job's kind queued them: a page job's part was one of them. */
export type EarlierOptions = OcrOptions & { part?: DocumentPart };

/**
 * The kind, options and part of a job queued by a version that did not name a job's kind, as its options told
 * them then: a page job carried its part among them, a document its pages. Jobs still waiting in a queue across
 * an upgrade are read as they were meant.
 */
export function fromEarlierOptions({ part, ...options }: EarlierOptions): { kind: JobKind; options: OcrOptions; part?: DocumentPart } {
  if (part) return { kind: 'page', options, part };
  return { kind: options.pages ? 'document' : 'image', options };
}
