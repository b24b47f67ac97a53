export * from './assemble-gold.js';
export * from './dedup-latest.js';
export * from './key-columns.js';
export * from './pick-transaction.js';
export * from './sessionize.js';
export * from './snapshot-join.js';
