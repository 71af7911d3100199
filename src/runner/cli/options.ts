import { InvalidArgumentError } from 'commander';
import type { Shard } from '../shard.js';

/** Option parsers whose errors name the option and what it received (Playwright style). */
export const nonNegativeInt = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, received "${value}"`);
  return n;
};

export const positiveInt = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, received "${value}"`);
  return n;
};

export const intInRange = (name: string, min: number, max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}, received "${value}"`);
  return n;
};

export const portNumber = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`${name} must be a port number 0–65535, received "${value}"`);
  return n;
};


export const shardSpec = (value: string): Shard => {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const current = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || current < 1 || current > total) {
    throw new InvalidArgumentError(`--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/4; received "${value}"`);
  }
  return { current, total };
};

export const httpUrl = (name: string) => (value: string): string => {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new InvalidArgumentError(`${name} must be an http:// URL, e.g. http://127.0.0.1:7070; received "${value}"`);
  }
  return value;
};
