import type { CliOptions } from './args.js';

/** What the command asks of each file, as the upload's form fields. */
export type ReadOptions = Pick<CliOptions, 'lang' | 'psm' | 'pages' | 'format'>;

/**
 * The upload's form fields for the command's options: sent to a server, or checked by the same intake in this
 * process, so that a file is read alike either way.
 */
export function uploadFields({ lang, psm, pages, format }: ReadOptions): Record<string, string> {
  return {
    lang,
    ...(psm !== undefined && { psm: String(psm) }),
    ...(pages !== undefined && { pages }),
    ...(format !== 'text' && format !== 'json' && { output: format }),
  };
}
