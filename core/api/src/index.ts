export * from './config.js';
export * from './errors.js';
export * from './logger.js';
export * from './message.js';
export * from './plugin.js';
export * from './scorer.js';
export * from './services.js';
export * from './store.js';
