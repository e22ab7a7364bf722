export * from './errors/index.js';
export * from './codec/index.js';
