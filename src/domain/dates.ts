/**
 * Calendar dates as ISO strings (`YYYY-MM-DD`), the way the rules and the sources write them.
 * A plain string keeps fixtures, reports and expectations literal and diffable; these helpers do
 * the arithmetic in UTC so that no host time zone leaks in.
 */
export type IsoDate = string & { readonly __isoDate: unique symbol };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface DateParts {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
}

export function isIsoDate(value: string): value is IsoDate {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** Parses `YYYY-MM-DD`; throws with the offending value so callers can say where it came from. */
export function isoDate(value: string): IsoDate {
  if (!isIsoDate(value)) {
    throw new RangeError(`not a calendar date: "${value}" (expected YYYY-MM-DD, e.g. 2025-04-01)`);
  }
  return value;
}

export function dateParts(date: IsoDate): DateParts {
  return {
    year: Number(date.slice(0, 4)),
    month: Number(date.slice(5, 7)),
    day: Number(date.slice(8, 10)),
  };
}

export function fromParts(year: number, month: number, day: number): IsoDate {
  const y = String(year).padStart(4, '0');
  const m = String(month).padStart(2, '0');
  const d = String(day).padStart(2, '0');
  return isoDate(`${y}-${m}-${d}`);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function lastDayOfMonth(date: IsoDate): IsoDate {
  const { year, month } = dateParts(date);
  return fromParts(year, month, daysInMonth(year, month));
}

export function firstDayOfMonth(date: IsoDate): IsoDate {
  const { year, month } = dateParts(date);
  return fromParts(year, month, 1);
}

function toEpochDay(date: IsoDate): number {
  const { year, month, day } = dateParts(date);
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

function fromEpochDay(epochDay: number): IsoDate {
  const d = new Date(epochDay * 86_400_000);
  return fromParts(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Adds calendar months; a day that does not exist in the target month becomes its last day. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const { year, month, day } = dateParts(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return fromParts(y, m, Math.min(day, daysInMonth(y, m)));
}

export function addYears(date: IsoDate, years: number): IsoDate {
  return addMonths(date, years * 12);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const isBefore = (a: IsoDate, b: IsoDate): boolean => a < b;
export const isAfter = (a: IsoDate, b: IsoDate): boolean => a > b;
export const isOnOrBefore = (a: IsoDate, b: IsoDate): boolean => a <= b;
export const isOnOrAfter = (a: IsoDate, b: IsoDate): boolean => a >= b;

/** `yyyyMMdd`, the date format of the OQS XML interface. */
export function toYmd(date: IsoDate): string {
  return date.replaceAll('-', '');
}

export function fromYmd(ymd: string): IsoDate {
  if (!/^\d{8}$/.test(ymd)) throw new RangeError(`not a yyyyMMdd date: "${ymd}"`);
  return isoDate(`${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`);
}
