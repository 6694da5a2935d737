import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { ROOT } from './service.js';

/**
 * A new PGlite database runs PostgreSQL's initdb compiled to WebAssembly: several seconds of CPU, where opening an
 * existing folder costs well under one. The suite's set-up makes one empty database per PGlite version, and a test
 * that needs a fresh archive folder starts from a copy of it. The archive's own migrations still run on every
 * copy, and test/archive/contract.test.ts still creates its database from nothing.
 */
async function templateFolder(): Promise<string> {
  const manifest = JSON.parse(await fs.readFile(path.join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'));
  return path.join(os.tmpdir(), `image-ocr-pglite-template-${manifest.version}`);
}

/** Makes the template once per PGlite version; a half-made one (a run cut short) never takes its place. */
export async function preparePgliteTemplate(): Promise<void> {
  const template = await templateFolder();
  if (
    await fs.stat(template).then(
      () => true,
      () => false,
    )
  )
    return;
  const building = await fs.mkdtemp(`${template}-building-`);
  const db = await PGlite.create(building);
  await db.close();
  await fs.rename(building, template).catch(() => fs.rm(building, { recursive: true, force: true }));
}

/** Puts an empty database into `folder` (new or empty), ready to open as an archive (ARCHIVE_DIR). */
export async function copyEmptyPgliteDatabase(folder: string): Promise<string> {
  await fs.cp(await templateFolder(), folder, { recursive: true });
  return folder;
}
