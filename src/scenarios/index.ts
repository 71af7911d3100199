export * from './schema.js';
export * from './loader.js';
export * from './json-schema.js';
