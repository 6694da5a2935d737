import fs from 'node:fs';
import path from 'node:path';
import { AUTO_LANGUAGE } from '../../src/ocr/engine/languages.js';
import type { ExpectedTables } from './layout-scores.js';

/**
 * A labelled page of a corpus: `<name>.png|jpg` with `<name>.txt`, its exact text; optional `<name>.lang`, or
 * `<name>.expect-lang` for a page the service is to find the language of; optional `<name>.tables.json`, its tables;
 * category = the name up to `_`.
 */
export interface Sample {
  name: string;
  category: string;
  /** What the service is asked for: a language set, or `auto`. */
  lang: string;
  /** The page's language, when the service is to find it. */
  expectedLang?: string;
  /** Degrees clockwise that turn the page upright. */
  expectedRotation: number;
  image: Buffer;
  text: string;
  /** The page's tables, when it has any. */
  tables?: ExpectedTables;
}

/**
 * The clockwise quarter turn each image of a corpus was given, from its manifest (`rotate=90.0` in the params; a
 * few degrees are a skew, which the service straightens without reporting a turn).
 */
function turnsOfManifest(corpusDir: string): Map<string, number> {
  const manifest = path.join(corpusDir, 'manifest.tsv');
  if (!fs.existsSync(manifest)) return new Map();
  return new Map(
    fs
      .readFileSync(manifest, 'utf8')
      .split('\n')
      .map((row) => [row.split('\t')[0]!, Number(/rotate=(-?[\d.]+)/.exec(row)?.[1] ?? 0)] as const)
      .map(([file, degrees]) => [file, degrees % 90 === 0 ? degrees : 0] as const),
  );
}

/** Every labelled page of a corpus folder, sorted by name. */
export function loadSamples(corpusDir: string): Sample[] {
  if (!fs.existsSync(corpusDir)) throw new Error(`No corpus at ${corpusDir}: set CORPUS_DIR.`);
  const sibling = (file: string, extension: string) => path.join(corpusDir, file.replace(/\.\w+$/, extension));
  const readIfThere = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined);
  const turns = turnsOfManifest(corpusDir);
  return fs
    .readdirSync(corpusDir)
    .filter((file) => /\.(png|jpe?g)$/i.test(file) && fs.existsSync(sibling(file, '.txt')))
    .sort()
    .map((file) => {
      const expectedLang = readIfThere(sibling(file, '.expect-lang'));
      const tables = readIfThere(sibling(file, '.tables.json'));
      return {
        name: file,
        category: file.split('_')[0]!,
        lang: expectedLang ? AUTO_LANGUAGE : (readIfThere(sibling(file, '.lang')) ?? 'eng'),
        expectedLang,
        expectedRotation: (360 - (turns.get(file) ?? 0)) % 360,
        image: fs.readFileSync(path.join(corpusDir, file)),
        text: fs.readFileSync(sibling(file, '.txt'), 'utf8'),
        ...(tables !== undefined && { tables: JSON.parse(tables) as ExpectedTables }),
      };
    });
}
