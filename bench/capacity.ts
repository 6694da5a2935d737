/**
 * The capacity model: from the service times measured on this machine (bench/service-times.json, written by
 * bench/service-times.ts), how many pages per second 1, 4, 16 and 64 workers read at given arrival rates, how long a
 * page waits for a worker, which stage saturates first, and what KEDA's scaling delay adds to a burst.
 *
 *   npx tsx bench/capacity.ts
 *   CAPACITY_RATES=1,5,20 CAPACITY_API_CORES=4 npx tsx bench/capacity.ts
 *   CAPACITY_TIMES=/tmp/times.json npx tsx bench/capacity.ts      # figures measured elsewhere
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ceilings, firstBottleneck, simulate, workerSecondsPerPage, type Autoscaling, type ServiceTimes } from './capacity-model.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const times = JSON.parse(fs.readFileSync(process.env.CAPACITY_TIMES ?? path.join(ROOT, 'bench/service-times.json'), 'utf8')) as ServiceTimes;
const WORKERS = [1, 4, 16, 64];
const rates = (process.env.CAPACITY_RATES ?? '1,5,25,100').split(',').map(Number);
/** Cores of API pods: the HorizontalPodAutoscaler's two replicas at one core each, unless said. */
const apiCores = Number(process.env.CAPACITY_API_CORES ?? 2);
/** The worker pod's CPU limit and KEDA's settings, from the manifests (docker/k8s/base). */
const manifests = (file: string) =>
  parseAllDocuments(fs.readFileSync(path.join(ROOT, 'docker/k8s/base', file), 'utf8')).map((document) => document.toJS());
const workerPod = manifests('worker.yaml').find((object) => object.kind === 'Deployment').spec.template.spec;
const workerCores = cpuCores(workerPod.containers[0].resources.limits.cpu as string);
const scaledObject = manifests('worker-scaling.yaml').find((object) => object.kind === 'ScaledObject').spec;
/** The HorizontalPodAutoscaler reads KEDA's metric at its sync period, 15 s unless the cluster sets another. */
const HPA_SYNC_SECONDS = 15;
const serviceSeconds = workerSecondsPerPage(times, workerCores);
const scaleUp = scaledObject.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp.policies[0];
/**
 * A new worker takes pages once its pod has started (an image already on the node: a few seconds, not measured here)
 * and the worker is ready (measured).
 */
const POD_START_SECONDS = Number(process.env.CAPACITY_POD_START_SECONDS ?? 5);
const keda = (maxReplicas: number): Autoscaling => ({
  minReplicas: scaledObject.minReplicaCount,
  maxReplicas,
  syncSeconds: Math.max(HPA_SYNC_SECONDS, scaleUp.periodSeconds),
  targetPerReplica: Number(scaledObject.triggers[0].metadata.value),
  maxGrowth: 1 + scaleUp.value / 100,
  startSeconds: POD_START_SECONDS + times.worker.readySeconds,
});

/** `1`, `1500m` in cores. */
function cpuCores(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}
const SECONDS = Number(process.env.CAPACITY_SECONDS ?? 3600);
/**
 * Pages differ: a dense one takes several times a sparse one. Their times are drawn exponentially around the measured
 * mean, which spreads them more than most loads do, so the waits are an upper bound.
 */
const PAGE_TIMES = 'exponential';

const format = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'grows without bound');

console.log(
  `Measured on ${times.machine.cores} cores: a worker ${times.worker.secondsPerPage.toFixed(2)} s and ${times.worker.cpuSecondsPerPage.toFixed(2)} s of CPU a page, ` +
    `ready ${times.worker.readySeconds.toFixed(1)} s after start; the API ${times.api.cpuMsPerUpload.toFixed(2)} ms of CPU an upload; ` +
    `RabbitMQ ${times.broker.cpuMsPerMessage.toFixed(2)} ms of CPU a message, confirmed in ${times.broker.confirmMs.toFixed(2)} ms; ` +
    `Redis ${times.redis.commandsPerPage.toFixed(1)} commands and ${times.redis.microsecondsPerPage.toFixed(0)} µs a page.\n`,
);

console.table(
  ceilings(times, { workers: 64, workerCores, apiCores }).map(({ stage, pagesPerSecond }) => ({
    stage,
    'ceiling, pages/s': pagesPerSecond.toFixed(1),
    'grows with': stage === 'workers' ? 'worker pods (64 here)' : stage === 'API' ? `API cores (${apiCores} here)` : 'nothing: one queue, one core',
  })),
);

const perWorker = ceilings(times, { workers: 1, workerCores, apiCores })[0]!.pagesPerSecond;
const next = firstBottleneck(ceilings(times, { workers: 1, workerCores, apiCores }).slice(1));
console.log(
  `The workers stay the first bottleneck up to ${Math.floor(next.pagesPerSecond / perWorker)} workers; past them, ${next.stage} at ` +
    `${next.pagesPerSecond.toFixed(0)} pages/s (with ${apiCores} API cores).\n`,
);

const rows = WORKERS.flatMap((workers) =>
  rates.map((rate) => {
    const stages = ceilings(times, { workers, workerCores, apiCores });
    const bottleneck = firstBottleneck(stages);
    const overloaded = rate >= bottleneck.pagesPerSecond;
    const result = overloaded
      ? undefined
      : simulate({ arrivalRate: rate, seconds: SECONDS, serviceSeconds, service: 'deterministic', workers, seed: workers });
    return {
      workers,
      'arrivals, pages/s': rate,
      'read, pages/s': format(Math.min(rate, bottleneck.pagesPerSecond)),
      'workers busy': `${Math.round((Math.min(rate, bottleneck.pagesPerSecond) / stages[0]!.pagesPerSecond) * 100)} %`,
      'mean wait, s': result ? format(result.meanWaitSeconds) : format(Infinity),
      'p95 wait, s': result ? format(result.p95WaitSeconds) : format(Infinity),
      'first bottleneck': `${bottleneck.stage} (${bottleneck.pagesPerSecond.toFixed(1)} pages/s)`,
    };
  }),
);
console.table(rows);

/** A burst from idle: pages at 80 % of N workers' ceiling for ten minutes, KEDA starting from its minimum. */
const burst = WORKERS.filter((workers) => workers > 1).map((workers) => {
  const scaling = keda(workers);
  const rate = 0.8 * (workers / serviceSeconds);
  const scaled = simulate({ arrivalRate: rate, seconds: 600, serviceSeconds, service: PAGE_TIMES, workers: scaling, seed: workers });
  const warm = simulate({ arrivalRate: rate, seconds: 600, serviceSeconds, service: PAGE_TIMES, workers, seed: workers });
  return {
    [`KEDA, ${scaling.minReplicas} → N workers`]: workers,
    'arrivals, pages/s': rate.toFixed(1),
    'all N taking pages after, s': scaled.lastStartSeconds.toFixed(0),
    'mean wait, s': scaled.meanWaitSeconds.toFixed(1),
    'max wait, s': scaled.maxWaitSeconds.toFixed(1),
    'mean wait with N warm, s': warm.meanWaitSeconds.toFixed(2),
  };
});
console.table(burst);
