export * from './dates.js';
export * from './clock.js';
export * from './rng.js';
export * from './person.js';
export * from './copay.js';
export * from './certificate-validity.js';
