// The script of a tesseract.js worker thread: tesseract.js's own, plus a full garbage collection every
// FULL_GC_EVERY_JOBS recognitions. A thread's V8 heap only ever runs minor collections between jobs (each job
// leaves a few kilobytes of old garbage, and V8 starts its first major collection only at a heap limit sized
// for the whole machine), so without this a worker thread grows by about 1.7 KB a job for as long as it lives.
// Plain JavaScript, not TypeScript: Node starts it as a thread from this file, in the sources and in dist alike.
import { createRequire } from 'node:module';
import { setImmediate } from 'node:timers';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort } from 'node:worker_threads';

/** A full collection of this small heap takes a few milliseconds; every 100 jobs it costs well under 0.1 %. */
const FULL_GC_EVERY_JOBS = 100;

createRequire(import.meta.url)('tesseract.js/src/worker-script/node/index.js');

// A gc() for this thread, in a process not started with --expose-gc (the flag is process-wide: it only puts gc() in
// contexts made after it, like this one).
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');

let recognitions = 0;
parentPort?.on('message', (packet) => {
  if (packet?.action !== 'recognize') return;
  recognitions += 1;
  // Queued behind tesseract.js's own handler of this message, so it runs between recognitions, not inside one.
  if (recognitions % FULL_GC_EVERY_JOBS === 0) setImmediate(collectGarbage);
});
