// The contract suite lives next to its seam now (test/queue/job-queue.contract.ts). test/queue/rabbitmq.test.ts
// and bullmq.test.ts still import makeJob from here, and are being rewritten on the adapters branch at the same
// time: delete this file once they import '../queue/job-queue.contract.js'.
export { makeJob } from '../queue/job-queue.contract.js';
