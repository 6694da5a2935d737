import { defineConfig } from 'vitest/config';
import { SlowFilesFirst } from './test/helpers/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // More files than cores: many spend much of their time waiting (brokers booting, outages and failovers timed by
    // the clock, retries backing off), and the files that read images fill those waits. Two cores stay busy.
    maxWorkers: 5,
    // A worker keeps its imported modules from one file to the next: importing Fastify, BullMQ, sharp and the rest
    // afresh for every file cost a third of the unit tests' CPU time. No test mocks modules or changes globals.
    isolate: false,
    sequence: { sequencer: SlowFilesFirst },
  },
});
