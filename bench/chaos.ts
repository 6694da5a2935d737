/**
 * `npm run chaos`: 2,000 uploads through API → RabbitMQ → 3 workers → Redis while a worker is killed with
 * SIGKILL every few seconds and replaced, and RabbitMQ is restarted once midway. Prints what happened to
 * every accepted upload; exits 1 if any was lost or completed twice.
 *
 *   CHAOS_UPLOADS=500 CHAOS_BROKER=proxy npm run chaos
 */
import { runChaos } from '../test/helpers/chaos.js';

const figures = await runChaos({
  uploads: Number(process.env.CHAOS_UPLOADS ?? 2000),
  workers: 3,
  killEveryMs: Number(process.env.CHAOS_KILL_EVERY_MS ?? 4000),
  brokerOutage: process.env.CHAOS_BROKER === 'proxy' ? 'proxy' : 'restart',
  brokerOutageMs: 5000,
  uploadConcurrency: 8,
  settleTimeoutMs: 15 * 60_000,
  log: (line) => console.log(`[chaos] ${line}`),
});
console.table([figures]);
process.exit(figures.lost === 0 && figures.duplicated === 0 && figures.wrongText === 0 ? 0 : 1);
