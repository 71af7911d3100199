import type { IsoDate } from './dates.js';

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

export function certificateStatusOn(
  expiresOn: IsoDate,
  date: IsoDate,
  graceEnd: CertGraceEnd = 'month_end',
): CertificateValidity {
  void expiresOn;
  void date;
  void graceEnd;
  throw new Error('certificateStatusOn: not implemented yet');
}
