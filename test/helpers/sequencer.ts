import fs from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that start services, stacks, browsers or whole builds take the longest; they start first, so the suite
 * does not end with one worker on a long file while the others idle. Vitest orders by the durations it cached on
 * an earlier run; a fresh clone has none, and its fallback (larger files first) would start the short files that
 * spawn a stack last. Longest of all are the files that stream uploads through a failure of servers they start
 * themselves (a cluster, sentinels, outages): they go first.
 */
const SLOW_FOLDERS = ['/test/e2e/', '/test/deploy/', '/test/docs/', '/test/cli/'];
const FAILURE_RUNS = /\b(runThroughFailover|runChaos)\(/;

const source = (file: TestSpecification) => fs.readFileSync(file.moduleId, 'utf8');
const weight = (file: TestSpecification) => {
  if (FAILURE_RUNS.test(source(file))) return 2;
  return SLOW_FOLDERS.some((folder) => file.moduleId.includes(folder)) ? 1 : 0;
};
const size = (file: TestSpecification) => fs.statSync(file.moduleId).size;

export class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cached = files.every((file) =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${file.moduleId.slice(this.ctx.config.root.length + 1)}`),
    );
    if (cached) return super.sort(files);
    return [...files].sort((a, b) => weight(b) - weight(a) || size(b) - size(a));
  }
}
