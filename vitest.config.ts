import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // OCR is CPU-bound and the machine has two cores: more test files at once only slows each down.
    maxWorkers: 2,
  },
});
