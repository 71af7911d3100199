import { ageOn, birthdayInYear, dayReachingAge } from './age.js';
import { addMonths, dateParts, firstDayOfMonth, fromParts, type IsoDate } from './dates.js';
import type { CopayRatio, IncomeClass } from './person.js';

export interface CopayInput {
  birthDate: IsoDate;
  /** The date of the visit (診療日). */
  serviceDate: IsoDate;
  incomeClass: IncomeClass;
}

/**
 * The age band that decides the copay ratio, and which OQS fields carry it:
 * 後期 (`late-elderly-75`) and 高齢受給者 (`elderly-70-74`) are filled differently.
 */
export type CopayBand = 'preschool' | 'working-age' | 'elderly-70-74' | 'late-elderly-75';

/** 2割 for 一定以上所得 (75+) applies to visits from this date (seed 002: 令和4年10月1日から施行). */
export const HIGHER_INCOME_20_FROM = '2022-10-01' as IsoDate;

/**
 * Last day at 2割 as 未就学: the first 31 March on or after the day the child legally reaches 6
 * (born 1 April → reaches 6 on 31 March → that very day).
 */
export function preschoolLastDay(birthDate: IsoDate): IsoDate {
  const reached = dateParts(dayReachingAge(birthDate, 6));
  return fromParts(reached.month <= 3 ? reached.year : reached.year + 1, 3, 31);
}

/**
 * First day of the 70–74 ratio: the 1st of the month after the month in which the person legally
 * reaches 70. Born on the 1st of a month → reaches 70 on the last day of the previous month → the
 * birth month itself (健康保険法74条; rules.md §2.4).
 */
export function elderlyRatioFrom(birthDate: IsoDate): IsoDate {
  return addMonths(firstDayOfMonth(dayReachingAge(birthDate, 70)), 1);
}

/** First day of 後期高齢者医療: the 75th birthday itself (1 March in non-leap years for 29 February). */
export function lateElderlyFrom(birthDate: IsoDate): IsoDate {
  return birthdayInYear(birthDate, dateParts(birthDate).year + 75);
}

export function isPreschool(birthDate: IsoDate, date: IsoDate): boolean {
  // ageOn rejects a date before birth with a message naming both dates.
  ageOn(birthDate, date);
  return date <= preschoolLastDay(birthDate);
}

export function copayBand(birthDate: IsoDate, date: IsoDate): CopayBand {
  if (ageOn(birthDate, date) >= 75) return 'late-elderly-75';
  if (date >= elderlyRatioFrom(birthDate)) return 'elderly-70-74';
  if (date <= preschoolLastDay(birthDate)) return 'preschool';
  return 'working-age';
}

/**
 * 一部負担金割合 by age at the service date and income class (rules.md §2.4, seed 002
 * «医療費の一部負担（自己負担）割合について»): 未就学 2割; school age to 69 3割 whatever the income;
 * 70–74 2割 (現役並み 3割); 75+ 1割 (一定以上所得 2割 from 2022-10-01, 現役並み 3割).
 * `low` counts as `general`; `higher` only exists for 75+ and counts as `general` below 75.
 * Never returns 100 (自費 is not a copay ratio of an insured person).
 */
export function copayRatio(input: CopayInput): CopayRatio {
  const { birthDate, serviceDate, incomeClass } = input;
  switch (copayBand(birthDate, serviceDate)) {
    case 'preschool':
      return 20;
    case 'working-age':
      return 30;
    case 'elderly-70-74':
      return incomeClass === 'active' ? 30 : 20;
    case 'late-elderly-75':
      if (incomeClass === 'active') return 30;
      if (incomeClass === 'higher' && serviceDate >= HIGHER_INCOME_20_FROM) return 20;
      return 10;
  }
}
