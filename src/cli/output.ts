import fs from 'node:fs/promises';
import path from 'node:path';
import type { CliFormat } from './args.js';
import type { FileOutcome } from './recognizer.js';

/** The file name ending each format is written under with `--out`. */
const EXTENSIONS: Record<CliFormat, string> = { text: 'txt', json: 'json', hocr: 'hocr', tsv: 'tsv', pdf: 'pdf' };

export interface OutputOptions {
  format: CliFormat;
  outDir?: string;
  /** Several files printed to stdout get a header line each, as `head` and `tail` do. */
  several: boolean;
  stdout: NodeJS.WritableStream;
}

/** Writes what each file came to: its output into `--out`, or to stdout; with `--format json`, a line for a failed file too. */
export type OutputWriter = (file: string, outcome: FileOutcome) => Promise<void>;

function contentOf(file: string, outcome: FileOutcome, format: CliFormat): string | Buffer | undefined {
  if (format === 'json') {
    // A file that never became a task (refused at upload, server unreachable) still gets its line.
    const body = outcome.body ?? { status: 'failed', error: outcome.ok ? null : outcome.error };
    return `${JSON.stringify({ file, ...body })}\n`;
  }
  return outcome.ok ? outcome.rendition : undefined;
}

/** Creates the writer; the caller writes files in the order given, so printed texts keep that order. */
export function createOutputWriter({ format, outDir, several, stdout }: OutputOptions): OutputWriter {
  return async (file, outcome) => {
    const content = contentOf(file, outcome, format);
    if (content === undefined) return;
    if (outDir) {
      const name = `${path.basename(file, path.extname(file))}.${EXTENSIONS[format]}`;
      await fs.writeFile(path.join(outDir, name), content);
      return;
    }
    const header = several && format !== 'json' ? `==> ${file} <==\n` : '';
    const ending = typeof content === 'string' && !content.endsWith('\n') ? '\n' : '';
    stdout.write(header);
    stdout.write(content);
    stdout.write(several && format !== 'json' ? `${ending}\n` : ending);
  };
}
