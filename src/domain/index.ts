export * from './dates.js';
export * from './clock.js';
export * from './rng.js';
export * from './person.js';
export * from './age.js';
export * from './copay.js';
export * from './certificate-validity.js';
export * from './card-validity.js';
