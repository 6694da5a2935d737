import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ceilings,
  desiredReplicas,
  erlangC,
  firstBottleneck,
  meanWaitMMc,
  pagesPerSecondOnMachine,
  simulate,
  type Autoscaling,
  type ServiceTimes,
} from '../../bench/capacity-model.js';
import { ROOT } from '../helpers/service.js';

const times = (
  overrides: Partial<{ secondsPerPage: number; cpuSecondsPerPage: number; apiMs: number; brokerMs: number; redisUs: number }> = {},
): ServiceTimes => ({
  machine: { cores: 2, availableCores: 2 },
  pagesPerSecond: { oneWorker: 1, twoWorkers: 2, oneWorkerOnACore: 1, twoWorkersOnACoreEach: 2 },
  worker: {
    secondsPerPage: overrides.secondsPerPage ?? 1,
    cpuSecondsPerPage: overrides.cpuSecondsPerPage ?? 1,
    readySeconds: 3,
    rssMb: 200,
    peakRssMb: 300,
  },
  api: { cpuMsPerUpload: overrides.apiMs ?? 1, uploadP50Ms: 3, rssMb: 100, peakRssMb: 120 },
  broker: { confirmMs: 1, cpuMsPerMessage: overrides.brokerMs ?? 0.5 },
  redis: { commandsPerPage: 20, microsecondsPerPage: overrides.redisUs ?? 100 },
});

describe('the queueing math', () => {
  it("gives Erlang C's textbook values: one server waits as often as it is busy; two at half load wait a third of the time", () => {
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 10);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 10);
    expect(erlangC(4, 4)).toBe(1);
  });

  it('gives the M/M/1 mean wait ρS/(1−ρ), and no finite wait once arrivals reach the servers’ pace', () => {
    expect(meanWaitMMc(1, 0.5, 1)).toBeCloseTo(1, 10);
    expect(meanWaitMMc(1, 0.8, 1)).toBeCloseTo(4, 10);
    expect(meanWaitMMc(4, 4, 1)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('the simulation', () => {
  it('agrees with Erlang C for exponential service times', () => {
    const result = simulate({ arrivalRate: 3, seconds: 20_000, serviceSeconds: 1, service: 'exponential', workers: 4, seed: 7 });
    expect(result.meanWaitSeconds).toBeGreaterThan(0.9 * meanWaitMMc(4, 3, 1));
    expect(result.meanWaitSeconds).toBeLessThan(1.1 * meanWaitMMc(4, 3, 1));
    expect(result.pagesPerSecond).toBeCloseTo(3, 1);
  });

  it('agrees with Pollaczek–Khinchine for one worker and equal pages: half the exponential wait', () => {
    const result = simulate({ arrivalRate: 0.5, seconds: 40_000, serviceSeconds: 1, service: 'deterministic', workers: 1, seed: 3 });
    expect(result.meanWaitSeconds).toBeGreaterThan(0.45);
    expect(result.meanWaitSeconds).toBeLessThan(0.55);
  });

  it('reads a batch in the time its pages take on the workers, the last page waiting longest', () => {
    const result = simulate({ arrivalRate: 0, seconds: 0, batch: 10, serviceSeconds: 1, service: 'deterministic', workers: 2 });
    expect(result).toMatchObject({ pages: 10, pagesPerSecond: 2, maxWaitSeconds: 4, workers: 2 });
  });

  it('with KEDA, adds workers one start-up after each decision that sees the backlog, doubling at most, up to the maximum', () => {
    const scaling: Autoscaling = { minReplicas: 1, maxReplicas: 4, syncSeconds: 10, targetPerReplica: 4, maxGrowth: 2, startSeconds: 30 };
    const result = simulate({ arrivalRate: 0, seconds: 0, batch: 100, serviceSeconds: 1, service: 'deterministic', workers: scaling });
    expect(result.workers).toBe(4);
    expect(result.lastStartSeconds).toBe(40);
    // One worker for 30 s (30 pages), two for 10 s (20), then four for the last 50: 13 s more.
    expect(result.pagesPerSecond).toBeCloseTo(100 / 53, 5);
  });
});

describe('the autoscaling rule', () => {
  const scaling: Autoscaling = { minReplicas: 1, maxReplicas: 16, syncSeconds: 15, targetPerReplica: 4, maxGrowth: 2, startSeconds: 20 };

  it('asks for a replica per target of ready messages, doubling at most, within the bounds, and never fewer than run', () => {
    expect(desiredReplicas(0, 1, scaling)).toBe(1);
    expect(desiredReplicas(9, 2, scaling)).toBe(3);
    expect(desiredReplicas(9, 1, scaling)).toBe(2);
    expect(desiredReplicas(1000, 2, scaling)).toBe(4);
    expect(desiredReplicas(1000, 10, scaling)).toBe(16);
    expect(desiredReplicas(0, 5, scaling)).toBe(5);
  });
});

describe('the ceilings', () => {
  it('names the lowest ceiling as the first bottleneck: workers while few, then the single-core stages', () => {
    const measured = times({ secondsPerPage: 1, brokerMs: 0.5, redisUs: 100 });
    expect(firstBottleneck(ceilings(measured, { workers: 4, workerCores: 1, apiCores: 2 }))).toEqual({ stage: 'workers', pagesPerSecond: 4 });
    expect(firstBottleneck(ceilings(measured, { workers: 4000, workerCores: 1, apiCores: 2 }))).toEqual({ stage: 'API', pagesPerSecond: 2000 });
    expect(firstBottleneck(ceilings(measured, { workers: 4000, workerCores: 1, apiCores: 8 }))).toEqual({ stage: 'RabbitMQ', pagesPerSecond: 2000 });
  });

  it('paces a worker by its CPU when rendering and OCR together need more than its cores, by its page time otherwise', () => {
    const measured = times({ secondsPerPage: 1, cpuSecondsPerPage: 1.25 });
    expect(ceilings(measured, { workers: 4, workerCores: 1, apiCores: 2 })[0]).toEqual({ stage: 'workers', pagesPerSecond: 3.2 });
    expect(ceilings(measured, { workers: 4, workerCores: 1.5, apiCores: 2 })[0]).toEqual({ stage: 'workers', pagesPerSecond: 4 });
  });

  it('on one machine, divides its cores among everything a page costs once the workers outnumber them', () => {
    const measured = times({ secondsPerPage: 1, cpuSecondsPerPage: 1, apiMs: 0, brokerMs: 0, redisUs: 0 });
    expect(pagesPerSecondOnMachine(measured, 1, 2)).toBe(1);
    expect(pagesPerSecondOnMachine(measured, 4, 2)).toBe(2);
  });

  it('paces a worker held to one core by its CPU a page, and two of them on two cores at twice that', () => {
    const measured = times({ secondsPerPage: 1, cpuSecondsPerPage: 1.5, apiMs: 0, brokerMs: 0, redisUs: 0 });
    expect(pagesPerSecondOnMachine(measured, 1, 2)).toBe(1);
    expect(pagesPerSecondOnMachine(measured, 2, 2)).toBeCloseTo(4 / 3, 10);
    expect(pagesPerSecondOnMachine(measured, 1, 2, 1)).toBeCloseTo(2 / 3, 10);
    expect(pagesPerSecondOnMachine(measured, 2, 2, 1)).toBeCloseTo(4 / 3, 10);
  });
});

describe('the model against the rates measured on this machine (bench/service-times.json), with the cores it had then', () => {
  const measured = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/service-times.json'), 'utf8')) as ServiceTimes;

  const { cores, availableCores } = measured.machine;
  it.each([
    [1, 'sharing the cores', cores, measured.pagesPerSecond.oneWorker],
    [2, 'sharing the cores', cores, measured.pagesPerSecond.twoWorkers],
    [1, 'on a core each', 1, measured.pagesPerSecond.oneWorkerOnACore],
    [2, 'on a core each', 1, measured.pagesPerSecond.twoWorkersOnACoreEach],
  ])('projects %i worker process(es) %s within 15 %% of the measured pages/s', (workers, _placement, workerCores, pagesPerSecond) => {
    const projected = pagesPerSecondOnMachine(measured, workers, availableCores, Math.min(workerCores, availableCores));
    expect(Math.abs(projected - pagesPerSecond) / pagesPerSecond).toBeLessThan(0.15);
  });
});
