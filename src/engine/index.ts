export * from './engine.js';
export * from './interpret.js';
