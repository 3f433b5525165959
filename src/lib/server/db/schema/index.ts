export * from './targets.js';
export * from './samples.js';
export * from './runs.js';
export * from './leases.js';
export * from './app-state.js';
export * from './events.js';
export * from './alerts.js';
export * from './links.js';
