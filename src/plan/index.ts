export * from './plan.js';
export * from './step-nodes.js';
