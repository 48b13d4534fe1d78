export * from './flags.js';
export * from './config.js';
export * from './ops.js';
export * from './snapshot.js';
export * from './system.js';
export * from './trace.js';
