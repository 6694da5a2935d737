import type { toJobBody } from '../job-body.js';

/** Why a file has no text: the service's error code and message, or the command's own (SERVER_UNREACHABLE, …). */
export interface FileError {
  code: string;
  message: string;
}

/**
 * What one file came to: its `GET /result` body and the rendition asked for (none for `--format json`, which
 * prints the body), or the error that stopped it, with the failed task's body when there was a task.
 */
export type FileOutcome =
  | { ok: true; body: ReturnType<typeof toJobBody>; rendition?: string | Buffer }
  | { ok: false; error: FileError; body?: ReturnType<typeof toJobBody> };

/** Reads files' text: on a running service or in this process; the command does not care which. */
export interface Recognizer {
  /** Reads one image; rejects only when `signal` aborts. */
  recognize(file: string, image: Buffer, signal: AbortSignal): Promise<FileOutcome>;
  /** Frees what it holds; after a cancel, also what it left unfinished (the server's tasks). */
  close(): Promise<void>;
}
