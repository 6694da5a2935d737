export { createBullQueue, type BullQueueOptions } from './bull-queue.js';
