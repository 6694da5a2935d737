import fs from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from './args.js';

/** File name endings of the images and documents a folder is searched for; a file named on the command line is read whatever its name. */
const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'bmp', 'tif', 'tiff', 'gif', 'avif', 'pbm', 'pgm', 'ppm', 'pdf'];
const IMAGES_IN_FOLDER = `**/*.{${IMAGE_EXTENSIONS.join(',')}}`;

async function expandOne(input: string): Promise<string[]> {
  const stats = await fs.stat(input).catch(() => undefined);
  // A pattern the shell left alone (quoted, or on a shell that does not expand them) is expanded here; a name
  // that exists is taken as it is, even with [ or * in it.
  if (!stats && isDynamicPattern(input)) return (await glob(input, { onlyFiles: true, absolute: path.isAbsolute(input) })).sort();
  // A missing file is reported as that file's failure, like any other unreadable file.
  if (!stats?.isDirectory()) return [input];
  const found = await glob(IMAGES_IN_FOLDER, { cwd: input, onlyFiles: true, caseSensitiveMatch: false });
  return found.sort().map((file) => path.join(input, file));
}

/**
 * The files to read, in the order given: a file as it is, a folder as every image under it, a glob pattern as
 * the files it matches. Throws UsageError when a folder or pattern finds nothing, so a typo does not pass silently.
 */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const found = await expandOne(input);
    if (found.length === 0) throw new UsageError(`${input} matches no image.`);
    files.push(...found);
  }
  return [...new Set(files)];
}
