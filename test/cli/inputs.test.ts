import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import { expandInputs } from '../../src/cli/inputs.js';

describe('expanding the files named on the command line', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-ocr-inputs-'));
    fs.mkdirSync(path.join(dir, 'scans', 'more'), { recursive: true });
    for (const file of ['scans/b.png', 'scans/a.JPG', 'scans/more/c.tif', 'scans/notes.txt', 'x[1].png']) fs.writeFileSync(path.join(dir, file), '');
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes a folder as every image under it, sorted, and leaves other files out', async () => {
    const scans = path.join(dir, 'scans');
    expect(await expandInputs([scans])).toEqual(['a.JPG', 'b.png', 'more/c.tif'].map((file) => path.join(scans, file)));
  });

  it('expands a glob pattern, keeps a file whose name looks like one, and passes a missing file on as it is', async () => {
    const found = await expandInputs([`${dir}/scans/*.png`, path.join(dir, 'x[1].png'), path.join(dir, 'missing.png')]);
    expect(found).toEqual([path.join(dir, 'scans', 'b.png'), path.join(dir, 'x[1].png'), path.join(dir, 'missing.png')]);
  });

  it('refuses a pattern or folder that finds no image', async () => {
    await expect(expandInputs([`${dir}/scans/*.webp`])).rejects.toThrow(UsageError);
    fs.mkdirSync(path.join(dir, 'empty'));
    await expect(expandInputs([path.join(dir, 'empty')])).rejects.toThrow(/matches no image/);
  });
});
