import { addDays, dateParts, fromParts, type IsoDate } from './dates.js';

/**
 * Age arithmetic the way Japanese law counts it.
 *
 * 年齢計算ニ関スル法律 counts age from the day of birth (that day included), and 民法143条 ends
 * each year of age on the day before the anniversary of that day. So a person legally *reaches*
 * an age ("○歳に達する日") on the day BEFORE the birthday: a child born on 1 April reaches 6 on
 * 31 March, which is why it enters school a year earlier than a child born on 2 April.
 *
 * 29 February: in a year without 29 February, 民法143条2項 ただし書 ends the period on the last day
 * of that month, so a person born on 29 February reaches every age on 28 February — in leap years
 * too (the day before 29 February). Their birthday in a non-leap year is therefore taken as
 * 1 March (the day after the age is reached), so that "birthday = the day after the age is
 * reached" holds for everyone. Rules keyed on the birthday itself (後期 from the 75th birthday,
 * card and certificate expiry) follow from that.
 *
 * Which rule uses which day:
 * - `dayReachingAge`: 未就学 (end of the school year after reaching 6) and 70–74 (the month after
 *   the month of reaching 70) — the copay rules keyed on 「○歳に達する日」.
 * - `ageOn` (ordinary completed years, +1 on the birthday itself): 後期 from the 75th birthday,
 *   and "18 or older on the issue date" for the card.
 */

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function requireBornBy(birthDate: IsoDate, date: IsoDate, where: string): void {
  if (date < birthDate) {
    throw new RangeError(
      `${where}: date ${date} is before the birth date ${birthDate}; check the persona's birthDate or the scenario date`,
    );
  }
}

/** The birthday in a calendar year; a 29 February birthday falls on 1 March in non-leap years. */
export function birthdayInYear(birthDate: IsoDate, year: number): IsoDate {
  const { month, day } = dateParts(birthDate);
  if (month === 2 && day === 29 && !isLeapYear(year)) return fromParts(year, 3, 1);
  return fromParts(year, month, day);
}

/** The day on which a person legally reaches `age` (「○歳に達する日」): the day before that birthday. */
export function dayReachingAge(birthDate: IsoDate, age: number): IsoDate {
  if (!Number.isInteger(age) || age < 1) {
    throw new RangeError(`dayReachingAge: age must be a whole number ≥ 1, received ${age}`);
  }
  return addDays(birthdayInYear(birthDate, dateParts(birthDate).year + age), -1);
}

/**
 * Completed years on `date` in the ordinary sense: the count goes up on the birthday itself
 * (1 March in non-leap years for a 29 February birth). One less than the legal age on the single
 * day before each birthday.
 */
export function ageOn(birthDate: IsoDate, date: IsoDate): number {
  requireBornBy(birthDate, date, 'ageOn');
  const born = dateParts(birthDate).year;
  const { year } = dateParts(date);
  return date < birthdayInYear(birthDate, year) ? year - born - 1 : year - born;
}

/** Whether the person has legally reached `age` on `date` (on or after the day before that birthday). */
export function hasReachedAge(birthDate: IsoDate, age: number, date: IsoDate): boolean {
  return date >= dayReachingAge(birthDate, age);
}
