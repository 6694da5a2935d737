/**
 * The capacity model's pure parts (bench/capacity.ts prints its tables): each stage's ceiling from measured service
 * times, the queueing math of a pool of workers, and a discrete-event simulation of pages arriving at workers that
 * KEDA scales on the backlog.
 */

/** What bench/service-times.ts measures (bench/service-times.json). */
export interface ServiceTimes {
  /** The machine's cores, and those a CPU-bound load got while the rates were measured. */
  machine: { cores: number; availableCores: number };
  /** One and two worker processes of one OCR slot, sharing the machine's cores and then each on a core of its own. */
  pagesPerSecond: { oneWorker: number; twoWorkers: number; oneWorkerOnACore: number; twoWorkersOnACoreEach: number };
  /** One worker process with one OCR slot: wall time and CPU time per page, and its start until ready. */
  worker: { secondsPerPage: number; cpuSecondsPerPage: number; readySeconds: number; rssMb: number; peakRssMb: number };
  /** The API's CPU and latency per upload. */
  api: { cpuMsPerUpload: number; uploadP50Ms: number; rssMb: number; peakRssMb: number };
  /** RabbitMQ: the wait for a publisher confirm, and the broker's CPU per message. */
  broker: { confirmMs: number; cpuMsPerMessage: number };
  /** Redis's own time for the commands of one page. */
  redis: { commandsPerPage: number; microsecondsPerPage: number };
}

/** A part of the service and the pages per second it can pass at most. */
export interface Ceiling {
  stage: 'workers' | 'API' | 'RabbitMQ' | 'Redis';
  pagesPerSecond: number;
}

/**
 * The ceiling of each stage with `workers` worker pods of one OCR slot and `workerCores` cores each, and `apiCores`
 * cores of API pods, every page uploaded on its own (a document's pages share one upload, so this is the heavier
 * case). A worker renders the next page while it reads one, so it paces itself by its page time or by its CPU over
 * its cores, whichever is slower. The broker and Redis run a queue, or a command, on one core at a time: their
 * ceilings do not grow with pods.
 */
export function ceilings(
  times: ServiceTimes,
  { workers, workerCores, apiCores }: { workers: number; workerCores: number; apiCores: number },
): Ceiling[] {
  return [
    { stage: 'workers', pagesPerSecond: workers / workerSecondsPerPage(times, workerCores) },
    { stage: 'API', pagesPerSecond: (apiCores * 1000) / times.api.cpuMsPerUpload },
    { stage: 'RabbitMQ', pagesPerSecond: 1000 / times.broker.cpuMsPerMessage },
    { stage: 'Redis', pagesPerSecond: 1_000_000 / times.redis.microsecondsPerPage },
  ];
}

/** A worker's time per page with `cores` cores of its own. */
export function workerSecondsPerPage(times: ServiceTimes, cores: number): number {
  return Math.max(times.worker.secondsPerPage, times.worker.cpuSecondsPerPage / cores);
}

/** The stage that saturates first: the lowest ceiling. */
export function firstBottleneck(stages: Ceiling[]): Ceiling {
  return stages.reduce((lowest, stage) => (stage.pagesPerSecond < lowest.pagesPerSecond ? stage : lowest));
}

/**
 * Pages per second of `workers` worker processes on one machine of `cores` cores, with the API, the broker and Redis:
 * the workers' own pace with `workerCores` each (all the machine's, unless each is held to a core of its own), or the
 * machine's cores divided among everything a page costs, whichever is lower.
 */
export function pagesPerSecondOnMachine(times: ServiceTimes, workers: number, cores: number, workerCores = cores): number {
  const cpuSecondsPerPage =
    times.worker.cpuSecondsPerPage + (times.api.cpuMsPerUpload + times.broker.cpuMsPerMessage) / 1000 + times.redis.microsecondsPerPage / 1e6;
  return Math.min(workers / workerSecondsPerPage(times, workerCores), cores / cpuSecondsPerPage);
}

/** Erlang's C formula: the chance that a page waits for a worker, with `servers` workers and `load` = λ × service time. */
export function erlangC(servers: number, load: number): number {
  if (load >= servers) return 1;
  // The Erlang B recursion, then C from B: stable for hundreds of servers.
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (load * b) / (k + load * b);
  return b / (1 - (load / servers) * (1 - b));
}

/** The mean wait for a worker in an M/M/c queue, in seconds; Infinity when the workers cannot keep up. */
export function meanWaitMMc(servers: number, arrivalRate: number, serviceSeconds: number): number {
  const load = arrivalRate * serviceSeconds;
  if (load >= servers) return Number.POSITIVE_INFINITY;
  return (erlangC(servers, load) * serviceSeconds) / (servers - load);
}

/** A seeded generator of uniform numbers in [0, 1) (mulberry32): the same seed, the same run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How KEDA and the HorizontalPodAutoscaler size the workers (docker/k8s/base/worker-scaling.yaml). */
export interface Autoscaling {
  minReplicas: number;
  maxReplicas: number;
  /** The HorizontalPodAutoscaler reads KEDA's metric and decides this often. */
  syncSeconds: number;
  /** Ready messages per replica it aims at (the trigger's `value`). */
  targetPerReplica: number;
  /** The most it multiplies the replicas by in one decision (the scale-up policy: 100 % a period doubles them). */
  maxGrowth: number;
  /** From the decision to a new worker taking jobs: the pod's start and the worker's warm-up. */
  startSeconds: number;
}

/**
 * The replicas the autoscaler asks for with `waiting` ready messages: enough that each has at most the target, no
 * more than its growth allows at once, within the bounds, and never fewer than run already (a scale-down waits out
 * its stabilisation window, longer than a burst).
 */
export function desiredReplicas(waiting: number, current: number, scaling: Autoscaling): number {
  const wanted = Math.max(scaling.minReplicas, current, Math.ceil(waiting / scaling.targetPerReplica));
  return Math.min(scaling.maxReplicas, Math.floor(current * scaling.maxGrowth), wanted);
}

export interface Simulation {
  /** Pages per second arriving (Poisson), for `seconds`; or `batch` pages all at once at the start. */
  arrivalRate: number;
  seconds: number;
  batch?: number;
  /** A worker's time for one page: always the mean, or exponential around it. */
  serviceSeconds: number;
  service: 'deterministic' | 'exponential';
  /** A fixed number of workers, or workers KEDA scales. */
  workers: number | Autoscaling;
  seed?: number;
}

export interface SimulationResult {
  pages: number;
  /** Pages done per second, from the first arrival to the last page done. */
  pagesPerSecond: number;
  meanWaitSeconds: number;
  p95WaitSeconds: number;
  maxWaitSeconds: number;
  /** Workers at the end, and when the last one started taking jobs. */
  workers: number;
  lastStartSeconds: number;
}

type Event = { time: number; kind: 'arrival' | 'done' | 'poll' | 'ready' };

/** A binary heap of events by time. */
function eventQueue() {
  const heap: Event[] = [];
  const swap = (a: number, b: number) => ([heap[a], heap[b]] = [heap[b]!, heap[a]!]);
  return {
    get size() {
      return heap.length;
    },
    push(event: Event) {
      heap.push(event);
      for (let i = heap.length - 1; i > 0 && heap[(i - 1) >> 1]!.time > heap[i]!.time; i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
    },
    pop(): Event {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        for (let i = 0; ;) {
          const smallest = [2 * i + 1, 2 * i + 2]
            .filter((child) => child < heap.length && heap[child]!.time < heap[i]!.time)
            .sort((a, b) => heap[a]!.time - heap[b]!.time)[0];
          if (smallest === undefined) break;
          swap(i, smallest);
          i = smallest;
        }
      }
      return top;
    },
  };
}

/**
 * Pages arriving at a pool of workers, each worker one page at a time, the oldest page first: what the queue does
 * between the API and the workers. With autoscaling, the autoscaler looks at the ready pages every sync period and
 * new workers take pages `startSeconds` after it asked for them.
 */
export function simulate(options: Simulation): SimulationResult {
  const random = seededRandom(options.seed ?? 1);
  const serviceTime = () => (options.service === 'deterministic' ? options.serviceSeconds : -Math.log(1 - random()) * options.serviceSeconds);
  const scaling = typeof options.workers === 'number' ? undefined : options.workers;
  const events = eventQueue();
  const waiting: number[] = [];
  let head = 0;
  const waits: number[] = [];
  let idle = scaling ? scaling.minReplicas : (options.workers as number);
  let workers = idle;
  let busy = 0;
  let lastStart = 0;
  let lastDone = 0;
  const start = (time: number, arrived: number) => {
    busy++;
    waits.push(time - arrived);
    events.push({ time: time + serviceTime(), kind: 'done' });
  };
  if (options.batch) for (let i = 0; i < options.batch; i++) waiting.push(0);
  else events.push({ time: -Math.log(1 - random()) / options.arrivalRate, kind: 'arrival' });
  if (scaling) events.push({ time: 0, kind: 'poll' });
  const dispatch = (time: number) => {
    while (idle > 0 && head < waiting.length) {
      idle--;
      start(time, waiting[head++]!);
    }
  };
  dispatch(0);
  while (events.size > 0) {
    const { time, kind } = events.pop();
    if (kind === 'arrival') {
      waiting.push(time);
      const next = time - Math.log(1 - random()) / options.arrivalRate;
      if (next < options.seconds) events.push({ time: next, kind: 'arrival' });
    } else if (kind === 'done') {
      busy--;
      idle++;
      lastDone = time;
    } else if (kind === 'ready') {
      idle++;
      lastStart = time;
    } else if (scaling) {
      const added = desiredReplicas(waiting.length - head, workers, scaling) - workers;
      for (let i = 0; i < added; i++) events.push({ time: time + scaling.startSeconds, kind: 'ready' });
      workers += added;
      // The autoscaler keeps deciding while pages may still come or wait.
      if (time < options.seconds || head < waiting.length || busy > 0) events.push({ time: time + scaling.syncSeconds, kind: 'poll' });
    }
    dispatch(time);
  }
  const sorted = [...waits].sort((a, b) => a - b);
  return {
    pages: waits.length,
    pagesPerSecond: waits.length / lastDone,
    meanWaitSeconds: waits.reduce((sum, wait) => sum + wait, 0) / waits.length,
    p95WaitSeconds: sorted[Math.floor(0.95 * (sorted.length - 1))]!,
    maxWaitSeconds: sorted.at(-1)!,
    workers,
    lastStartSeconds: lastStart,
  };
}
