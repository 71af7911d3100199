import { isoDate, type IsoDate } from './dates.js';

/**
 * The only source of time for simulators and the reference reception. Scenarios run on a
 * VirtualClock so that "the certificate expired four months ago" is a fixture, not a wait.
 * All wall-clock values are Japan Standard Time (UTC+9, no DST), as at the counter.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

const JST_OFFSET_MS = 9 * 3600_000;

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

export class VirtualClock implements Clock {
  #now: number;

  constructor(start: number | string | Date) {
    this.#now = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.#now)) throw new RangeError(`VirtualClock: not a time: ${String(start)}`);
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`VirtualClock.advance: ms must be ≥ 0, received ${ms}`);
    this.#now += ms;
  }

  set(time: number | string | Date): void {
    const t = typeof time === 'number' ? time : new Date(time).getTime();
    if (!Number.isFinite(t)) throw new RangeError(`VirtualClock.set: not a time: ${String(time)}`);
    this.#now = t;
  }
}

/** The JST calendar date of an instant. */
export function jstDate(epochMs: number): IsoDate {
  return isoDate(new Date(epochMs + JST_OFFSET_MS).toISOString().slice(0, 10));
}

/** `yyyyMMddHHmmss` in JST, the timestamp format of the OQS XML interface. */
export function jstTimestamp(epochMs: number): string {
  const iso = new Date(epochMs + JST_OFFSET_MS).toISOString();
  return iso.slice(0, 19).replace(/[-T:]/g, '');
}

/** Midnight JST at the start of a calendar date, as epoch milliseconds. */
export function jstStartOfDay(date: IsoDate): number {
  return new Date(`${date}T00:00:00+09:00`).getTime();
}

export function today(clock: Clock): IsoDate {
  return jstDate(clock.now());
}
