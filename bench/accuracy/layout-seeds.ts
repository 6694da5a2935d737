import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../test/helpers/service.js';

const GENERATOR = path.resolve(ROOT, '../shared/tools/gen-layouts.py');
/** Outside the repository: the pages are measured, never committed, and drawn again only when missing. */
const DRAWN_DIR = path.join(os.tmpdir(), 'image-ocr-app-layouts');

/** LAYOUT_SEEDS=21,22: the seeds to draw layout pages from; LAYOUT_PAGES: how many pages each (100 unless said). */
export function layoutSeedsOfEnvironment(env: NodeJS.ProcessEnv): { seeds: number[]; pages: number } {
  const seeds = (env.LAYOUT_SEEDS ?? '').split(',').filter(Boolean).map(Number);
  const pages = Number(env.LAYOUT_PAGES ?? 100);
  if (seeds.some((seed) => !Number.isInteger(seed)) || !Number.isInteger(pages) || pages < 1) {
    throw new Error(
      `LAYOUT_SEEDS takes whole numbers separated by commas and LAYOUT_PAGES a count, not ${env.LAYOUT_SEEDS} and ${env.LAYOUT_PAGES}.`,
    );
  }
  return { seeds, pages };
}

/**
 * The folder of `pages` layout pages drawn by `../shared/tools/gen-layouts.py` from each seed, drawn now unless an
 * earlier run left them: the generator is deterministic for a seed (and writes its manifest last, so a folder with
 * one is complete). It needs python3 and ImageMagick's `convert` on PATH, and the fonts it names.
 */
export function drawLayoutPages(seeds: readonly number[], pages: number): string[] {
  return seeds.map((seed) => {
    const dir = path.join(DRAWN_DIR, `seed-${seed}-n${pages}`);
    if (!fs.existsSync(path.join(dir, 'manifest.tsv'))) {
      console.log(`Drawing ${pages} layout pages with seed ${seed} into ${dir}…`);
      execFileSync('python3', [GENERATOR, dir, '--seed', String(seed), '--n', String(pages)], { stdio: 'inherit' });
    }
    return dir;
  });
}
