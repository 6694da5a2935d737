/**
 * `npm run chaos`: uploads through API → queue → 3 workers → Redis while a worker is killed with SIGKILL every
 * few seconds and replaced, RabbitMQ is restarted once (or cut at a proxy), and Redis is cut off at a proxy
 * for a while. One upload in CHAOS_HOSTILE_EVERY is hostile (image bombs, broken page trees, a page too slow to
 * render, over-long fields, callbacks to loopback, a text file named .png), a few uploads stall half-way through
 * their body, and completed texts are archived in PostgreSQL. Prints what happened to every upload; exits 1 if any
 * was lost, completed twice, read wrong, answered unexpectedly, left open, or not archived once.
 *
 *   CHAOS_QUEUE=bullmq CHAOS_UPLOADS=500 CHAOS_BROKER=proxy npm run chaos
 */
import { runChaos, type Outage } from '../test/helpers/chaos.js';

const queue = process.env.CHAOS_QUEUE === 'bullmq' ? 'bullmq' : 'rabbitmq';
const uploads = Number(process.env.CHAOS_UPLOADS ?? 2000);
// Redis goes away a quarter of the way in, RabbitMQ at half way.
const outages: Outage[] = [{ dependency: 'redis', how: 'proxy', atUpload: Math.floor(uploads / 4), durationMs: 10_000 }];
if (queue === 'rabbitmq') {
  outages.push({
    dependency: 'rabbitmq',
    how: process.env.CHAOS_BROKER === 'proxy' ? 'proxy' : 'restart',
    atUpload: Math.floor(uploads / 2),
    durationMs: 5_000,
  });
}

const figures = await runChaos({
  queue,
  uploads,
  workers: 3,
  killEveryMs: Number(process.env.CHAOS_KILL_EVERY_MS ?? 4000),
  outages,
  uploadConcurrency: 8,
  settleTimeoutMs: 15 * 60_000,
  hostileEvery: Number(process.env.CHAOS_HOSTILE_EVERY ?? 50),
  stalledUploads: 5,
  archive: true,
  log: (line) => console.log(`[chaos] ${line}`),
});
console.table([{ queue, ...figures }]);
const clean =
  figures.lost === 0 &&
  figures.duplicated === 0 &&
  figures.wrongText === 0 &&
  figures.failed === 0 &&
  figures.hostileUnexpected === 0 &&
  figures.stalledCut === 5 &&
  figures.notArchived === 0 &&
  figures.archivedNotCompleted === 0;
process.exit(clean ? 0 : 1);
