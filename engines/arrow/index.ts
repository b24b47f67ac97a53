/**
 * `goldsmith/engines/arrow`: the reference engine, pure TypeScript over Apache Arrow tables.
 */
export { createArrowEngine } from './arrow-engine.js';
export { arrowKernels, recordParsed } from './arrow-kernels.js';
