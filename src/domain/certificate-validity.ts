import { addMonths, firstDayOfMonth, lastDayOfMonth, type IsoDate } from './dates.js';

/** How the last day of the 3-month grace after a certificate expiry is read (rules.md §2.2). */
export type CertGraceEnd = 'month_end' | 'literal';

export type CertificateStatus =
  | 'valid'
  | 'expiring-soon'
  | 'expired-in-grace'
  | 'expired-beyond-grace';

export interface CertificateValidity {
  status: CertificateStatus;
  expiresOn: IsoDate;
  /** Last day on which a qualification check still works after expiry (inclusive). */
  graceEndsOn: IsoDate;
}

/**
 * First day of the reader's renew-soon alert: the certificate ends within 3 months
 * («有効期限満了日まで3か月以下»), read as from the same day 3 months before the expiry
 * (clamped to month end, e.g. expiry 05-31 → from 02-28) through the expiry date inclusive.
 */
export function renewalAlertFrom(expiresOn: IsoDate): IsoDate {
  return addMonths(expiresOn, -3);
}

/**
 * Last grace day (inclusive). `month_end` (default): the last day of the 3rd month after the month
 * that contains the expiry («有効期限満了日が属する月の末日から3か月間»). `literal`: the same day 3
 * calendar months after the expiry, or that month's last day where the day does not exist.
 */
export function certificateGraceEndsOn(expiresOn: IsoDate, graceEnd: CertGraceEnd = 'month_end'): IsoDate {
  return graceEnd === 'month_end'
    ? lastDayOfMonth(addMonths(firstDayOfMonth(expiresOn), 3))
    : addMonths(expiresOn, 3);
}

/**
 * Status of a certificate on `date`. The expiry date itself is an ordinary valid day (it reports
 * 'expiring-soon', which, like 'valid', passes the check); the next day is the first grace day,
 * in which only qualification works (no medical information); after the last grace day the
 * check is refused.
 */
export function certificateStatusOn(
  expiresOn: IsoDate,
  date: IsoDate,
  graceEnd: CertGraceEnd = 'month_end',
): CertificateValidity {
  const graceEndsOn = certificateGraceEndsOn(expiresOn, graceEnd);
  let status: CertificateStatus;
  if (date < renewalAlertFrom(expiresOn)) status = 'valid';
  else if (date <= expiresOn) status = 'expiring-soon';
  else if (date <= graceEndsOn) status = 'expired-in-grace';
  else status = 'expired-beyond-grace';
  return { status, expiresOn, graceEndsOn };
}
