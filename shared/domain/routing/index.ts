/**
 * Routing, pure: the channel catalogue, fees, rule matching, the four strategies, the sliding window of
 * authorization outcomes and `decideRoute`. No AWS, no clock, no randomness read here: the wiring reads
 * the configuration and each channel's state, draws the random number and records the decision.
 */
export * from './catalogue.js';
export * from './config.js';
export * from './decide.js';
export * from './fees.js';
export * from './health.js';
export * from './state.js';
export * from './strategies.js';
export * from './success-window.js';
