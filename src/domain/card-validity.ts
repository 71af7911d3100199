import { ageOn, birthdayInYear } from './age.js';
import { dateParts, type IsoDate } from './dates.js';

/**
 * Expiry of the My Number card and of its electronic certificates (rules.md §2.2; J-LIS:
 * «発行日後10回目の誕生日まで», certificates «発行日後5回目の誕生日まで»). Both run through the
 * birthday itself (inclusive). "After issue" is strict: a card issued on the holder's birthday
 * does not count that birthday, so it gets the full 5 or 10 years.
 *
 * 29 February: the birthday in a non-leap year is 1 March (the day after the age is legally
 * reached, see age.ts). Whether J-LIS prints 28 February or 1 March on such a card is not in our
 * sources; this is our choice, kept consistent with the age rules.
 */

/** Applications received before this date used 20 instead of 18 as the 10-year threshold. */
export const CARD_ADULT_AGE_18_FROM = '2022-04-01' as IsoDate;

export interface CardIssue {
  birthDate: IsoDate;
  /** Issue date (the day J-LIS made the card / certificate, not the pick-up day). */
  issuedOn: IsoDate;
  /** Application date; before 2022-04-01 the 10-year threshold was 20. Absent → the 18 rule. */
  appliedOn?: IsoDate;
}

export interface CertificateIssue {
  birthDate: IsoDate;
  issuedOn: IsoDate;
  /** The card's own expiry; a certificate never outlives its card. */
  cardExpiresOn?: IsoDate;
}

/** The n-th birthday strictly after `after` (n ≥ 1). */
export function nthBirthdayAfter(birthDate: IsoDate, after: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`nthBirthdayAfter: n must be a whole number ≥ 1, received ${n}`);
  }
  const { year } = dateParts(after);
  const firstYear = birthdayInYear(birthDate, year) > after ? year : year + 1;
  return birthdayInYear(birthDate, firstYear + n - 1);
}

/** Card expiry: 10th birthday after issue if 18 (20 for applications before 2022-04-01) or older on the issue date, else the 5th. */
export function cardExpiry(issue: CardIssue): IsoDate {
  const { birthDate, issuedOn, appliedOn } = issue;
  const adultAge = appliedOn !== undefined && appliedOn < CARD_ADULT_AGE_18_FROM ? 20 : 18;
  const years = ageOn(birthDate, issuedOn) >= adultAge ? 10 : 5;
  return nthBirthdayAfter(birthDate, issuedOn, years);
}

/** Certificate expiry: the 5th birthday after issue, or the card's expiry if that is earlier. */
export function certificateExpiry(issue: CertificateIssue): IsoDate {
  const { birthDate, issuedOn, cardExpiresOn } = issue;
  // ageOn rejects an issue date before birth with a message naming both dates.
  ageOn(birthDate, issuedOn);
  const fifth = nthBirthdayAfter(birthDate, issuedOn, 5);
  return cardExpiresOn !== undefined && cardExpiresOn < fifth ? cardExpiresOn : fifth;
}
