import fs from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that start services, stacks, browsers or whole builds take the longest; they start first, so the suite
 * does not end with one worker on a long file while the other idles. Vitest orders by the durations it cached on
 * an earlier run; a fresh clone has none, and its fallback (larger files first) would start the short files that
 * spawn a stack last.
 */
const SLOW_FOLDERS = ['/test/e2e/', '/test/deploy/', '/test/docs/', '/test/cli/'];

const isSlow = (file: TestSpecification) => SLOW_FOLDERS.some((folder) => file.moduleId.includes(folder));
const size = (file: TestSpecification) => fs.statSync(file.moduleId).size;

export class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cached = files.every((file) =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${file.moduleId.slice(this.ctx.config.root.length + 1)}`),
    );
    if (cached) return super.sort(files);
    return [...files].sort((a, b) => Number(isSlow(b)) - Number(isSlow(a)) || size(b) - size(a));
  }
}
