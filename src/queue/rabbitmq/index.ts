export { createRabbitQueue, type RabbitQueueOptions } from './rabbit-queue.js';
export { deleteTopology, topologyNames } from './topology.js';
