#!/usr/bin/env node
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { parseCommandLine, USAGE, UsageError, type CliOptions } from './args.js';
import { expandInputs } from './inputs.js';
import { createLocalRecognizer } from './local.js';
import { createLanguageCatalog, type LanguageCatalog } from '../ocr/engine/languages.js';
import { createOutputWriter } from './output.js';
import { createProgress } from './progress.js';
import { createRemoteRecognizer } from './remote.js';
import { recognizeAll } from './run.js';

/** Exit codes: all files read; some file failed; the command line cannot run; cancelled with Ctrl-C (128 + SIGINT). */
const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

function say(message: string): void {
  process.stderr.write(`image-ocr: ${message}\n`);
}

/** The first Ctrl-C cancels the run (and deletes the server's unfinished tasks); a second one quits at once. */
function cancelOnInterrupt(controller: AbortController): void {
  process.once('SIGINT', () => {
    say('cancelling…');
    controller.abort(new Error('cancelled'));
    process.once('SIGINT', () => process.exit(EXIT.cancelled));
  });
}

async function run(options: CliOptions, catalog: LanguageCatalog): Promise<number> {
  const files = await expandInputs(options.inputs);
  if (options.format === 'pdf' && !options.outDir && files.length > 1) throw new UsageError('--format pdf with several files needs --out DIR.');
  if (options.outDir) fs.mkdirSync(options.outDir, { recursive: true });

  const recognizer = options.server ? createRemoteRecognizer({ ...options, server: options.server }) : createLocalRecognizer({ ...options, catalog });
  const controller = new AbortController();
  cancelOnInterrupt(controller);
  const progress = createProgress(files.length, !process.stdout.isTTY && files.length > 1);
  const write = createOutputWriter({ format: options.format, outDir: options.outDir, several: files.length > 1, stdout: process.stdout });
  let failures = 0;
  try {
    await recognizeAll(files, recognizer, {
      concurrency: options.concurrency,
      signal: controller.signal,
      async onOutcome(file, outcome) {
        progress.increment();
        if (!outcome.ok) {
          failures += 1;
          say(`${file}: ${outcome.error.code}: ${outcome.error.message}`);
        }
        await write(file, outcome);
      },
    });
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    progress.stop();
    await recognizer.close();
  }
  if (controller.signal.aborted) return EXIT.cancelled;
  return failures > 0 ? EXIT.failed : EXIT.ok;
}

/** `image-ocr FILE... [options]`: prints or writes the text of each image; see `image-ocr --help`. */
async function main(argv: readonly string[]): Promise<number> {
  try {
    const catalog = createLanguageCatalog();
    const options = parseCommandLine(argv, process.env, version, catalog.installed);
    return options ? await run(options, catalog) : EXIT.ok;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(error.message);
    process.stderr.write(`${USAGE}\n`);
    return EXIT.usage;
  }
}

// exit(), not exitCode: the local engine's worker threads would otherwise keep the process alive a moment longer.
process.exit(await main(process.argv.slice(2)));
