import { cac } from 'cac';
import { RENDITION_NAMES } from '../formats.js';

/** What the command writes for each file: a rendition of the result, or the `GET /result` JSON body. */
export const CLI_FORMATS = [...RENDITION_NAMES, 'json'] as const;
export type CliFormat = (typeof CLI_FORMATS)[number];

export interface CliOptions {
  /** Files, folders and glob patterns, as given. */
  inputs: string[];
  /** The service to upload to; absent runs OCR in this process. */
  server?: string;
  apiKey?: string;
  lang: string;
  psm?: number;
  /** The pages of documents to read, as the upload's `pages` (`1-3,5`); absent reads them all. */
  pages?: string;
  format: CliFormat;
  /** A folder to write one output file per input into; absent prints to stdout. */
  outDir?: string;
  concurrency: number;
}

/** The command's synopsis, printed with every command line it cannot run. */
export const USAGE = 'Usage: image-ocr [--server URL] [--lang LANG|auto] [--pages LIST] [--format FORMAT|--json] [--out DIR] FILE...';

/** A command line that cannot run: the message says what to change. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The options the command takes, as the parser names them (each long name also camel-cased, and the short aliases). */
const KNOWN_OPTIONS = new Set([
  '--',
  'server',
  'lang',
  'psm',
  'pages',
  'format',
  'json',
  'out',
  'concurrency',
  'api-key',
  'apiKey',
  'help',
  'h',
  'version',
  'v',
]);

function integerOption(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}.`);
  return number;
}

function stringOption(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} needs a value.`);
  return value;
}

/**
 * Parses the command line (`image-ocr FILE... [options]`): the options to run with, or undefined once `--help` or
 * `--version` has been printed. The server comes from `--server` or, failing that, IMAGE_OCR_SERVER.
 * Throws UsageError for a command line that cannot run.
 */
export function parseCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  version: string,
  installedLanguages: readonly string[] = [],
): CliOptions | undefined {
  const cli = cac('image-ocr');
  const languages = installedLanguages.length > 0 ? `; installed: ${installedLanguages.join(', ')}` : '';
  cli
    .command('[...files]', 'Read the text of images and documents (PDF, multi-page TIFF): files, folders (all of them in it) or glob patterns.')
    .option('--server <url>', 'Upload to this image-ocr-app service (default: $IMAGE_OCR_SERVER; none: OCR runs in this process)')
    .option('--lang <lang>', `Language set, as eng or eng+deu, or auto to find each page's language${languages}`, { default: 'eng' })
    .option('--psm <n>', 'Tesseract page segmentation mode, 0 to 13 (default: chosen per page)')
    .option('--pages <list>', 'Pages of documents to read, as 1-3,5 or 2- (default: every page)')
    .option('--format <format>', `What to write for each file: ${CLI_FORMATS.join(', ')}; pdf is a searchable PDF`, { default: 'text' })
    .option('--json', 'Print one JSON object per file, the GET /result body (same as --format json)')
    .option('--out <dir>', 'Write one file per input into this folder instead of printing')
    .option('--concurrency <n>', 'Files read at once', { default: 2 })
    .option('--api-key <key>', 'API key for a service with API_KEYS on (default: $IMAGE_OCR_API_KEY)')
    .example('image-ocr scans/*.png > texts.txt')
    .example('image-ocr --lang auto --pages 1-2 contract.pdf')
    .example('image-ocr --server http://localhost:3000 --format pdf --out pdfs/ scans/');
  cli.help();
  cli.version(version);
  const { args, options } = cli.parse(['node', 'image-ocr', ...argv], { run: false });
  if (options.help || options.version) return undefined;
  const unknown = Object.keys(options).filter((name) => !KNOWN_OPTIONS.has(name));
  if (unknown.length > 0) throw new UsageError(`Unknown option --${unknown[0]}. See image-ocr --help.`);

  const format = options.json ? 'json' : String(options.format);
  if (!(CLI_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${CLI_FORMATS.join(', ')}.`);
  if (args.length === 0) throw new UsageError('Name at least one image, folder or glob pattern. See image-ocr --help.');
  const server = stringOption('server', options.server) ?? (env.IMAGE_OCR_SERVER || undefined);
  return {
    inputs: args.map(String),
    server: server?.replace(/\/+$/, ''),
    apiKey: stringOption('api-key', options.apiKey) ?? (env.IMAGE_OCR_API_KEY || undefined),
    lang: stringOption('lang', options.lang)!,
    psm: integerOption('psm', options.psm, 0, 13),
    pages: stringOption('pages', options.pages),
    format: format as CliFormat,
    outDir: stringOption('out', options.out),
    concurrency: integerOption('concurrency', options.concurrency, 1, 64)!,
  };
}
