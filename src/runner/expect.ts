import { isDeepStrictEqual } from 'node:util';
import type { Expectation, Matcher } from '../scenarios/schema.js';
import type { ExpectationFailure } from './results.js';

type Scalar = string | number | boolean;

function show(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}

/** Checks one value against one matcher; returns a message when it does not hold. */
export function checkMatcher(actual: unknown, matcher: Matcher): string | undefined {
  if (Array.isArray(matcher)) {
    return isDeepStrictEqual(actual, matcher) ? undefined : `expected ${show(matcher)}, got ${show(actual)}`;
  }
  if (typeof matcher !== 'object' || matcher === null) {
    return actual === matcher ? undefined : `expected ${show(matcher)}, got ${show(actual)}`;
  }
  const problems: string[] = [];
  if (matcher.absent && actual !== undefined) problems.push(`expected absent, got ${show(actual)}`);
  if (matcher.not !== undefined && actual === matcher.not) problems.push(`expected anything but ${show(matcher.not)}`);
  const list = Array.isArray(actual) ? (actual as Scalar[]) : undefined;
  if (matcher.includes) {
    const missing = matcher.includes.filter((x) => !list?.includes(x));
    if (missing.length > 0) problems.push(`expected to include ${show(missing)}, got ${show(actual)}`);
  }
  if (matcher.excludes) {
    const present = matcher.excludes.filter((x) => list?.includes(x));
    if (present.length > 0) problems.push(`expected not to include ${show(present)}, got ${show(actual)}`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

export interface Observed {
  outcome: Record<string, unknown> | undefined;
  reader: Record<string, unknown> | undefined;
  /** The reception's back office: its reading of the last 一括照会 download / medical-info fetch. */
  batch?: Record<string, unknown> | undefined;
  medicalInfo?: Record<string, unknown> | undefined;
  /** What central recorded on the wire: { medicalInfoReleased } after a request-medical-info step. */
  traffic?: Record<string, unknown> | undefined;
  /** The back office's decision on the last home-consented qualification handed to it. */
  homeVisit?: Record<string, unknown> | undefined;
}

export function checkExpectation(expectation: Expectation, observed: Observed, step: number): ExpectationFailure[] {
  const failures: ExpectationFailure[] = [];
  for (const part of ['outcome', 'reader', 'batch', 'medicalInfo', 'traffic', 'homeVisit'] as const) {
    const wanted = expectation[part];
    if (!wanted) continue;
    const subject = observed[part];
    // batch.validity is a map of patient → matcher: checked key by key (batch.validity.jiro).
    const flat = Object.entries(wanted).flatMap(([key, matcher]): Array<[string, unknown, unknown]> => {
      if (part === 'batch' && key === 'validity' && matcher !== undefined) {
        const seen = subject?.validity as Record<string, unknown> | undefined;
        return Object.entries(matcher as Record<string, Matcher>).map(([who, m]) => [`validity.${who}`, m, seen?.[who]]);
      }
      return [[key, matcher, subject?.[key]]];
    });
    for (const [key, matcher, actual] of flat) {
      if (matcher === undefined) continue;
      const message = checkMatcher(actual, matcher as Matcher);
      if (message) {
        failures.push({ path: `${part}.${key}`, expected: matcher, actual, message: `${part}.${key}: ${message}`, step });
      }
    }
  }
  return failures;
}
