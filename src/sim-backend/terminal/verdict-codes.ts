import type { RejectionReason } from '../../protocol/central-api.js';

/** What the reader shows when the check cannot go on: its error number and the text. */
export interface ReaderError {
  errorCode: string;
  message: string;
}

/**
 * Error shown when central gives no usable answer: unreachable, timed out, HTTP error or a
 * malformed answer (reader-flow F16, E-comm). The real wording is unknown; ours is plain.
 */
export const COMMUNICATION_ERROR: ReaderError = { errorCode: 'E-comm', message: '通信エラー' };

/**
 * Central's rejection reasons → reader errors.
 *
 * - expired (beyond the grace period) / revoked → 006 «利用者証明用電子証明書の失効・有効期限切れ»,
 *   the one number the public sources give (reader-flow F3).
 * - suspended (一時停止 after a loss report) → `E-cert`: the reader shows an error, but its
 *   number is not public (reader-flow F4, UNCONFIRMED).
 * - the certificate or the proof of identity cannot be verified → `E-auth` (our placeholder).
 * - the challenge is unknown, expired or reused → `E-comm`: the exchange with central broke down
 *   and a fresh session (re-placing the card) fixes it, as for an outage.
 * - revocation status unknown (central's CRL out of date) → `E-comm`: nothing is wrong with the
 *   card; the system side cannot answer, as in an outage.
 */
export const REJECTION_ERRORS: Readonly<Record<RejectionReason, ReaderError>> = {
  'certificate-expired': { errorCode: '006', message: '利用者証明用電子証明書の失効・有効期限切れ' },
  'certificate-revoked': { errorCode: '006', message: '利用者証明用電子証明書の失効・有効期限切れ' },
  'certificate-suspended': { errorCode: 'E-cert', message: '利用者証明用電子証明書の一時停止' },
  'certificate-untrusted': { errorCode: 'E-auth', message: '電子証明書を確認できません' },
  'certificate-not-yet-valid': { errorCode: 'E-auth', message: '電子証明書の有効期間が始まっていません' },
  'signature-invalid': { errorCode: 'E-auth', message: '本人確認ができませんでした（署名を検証できません）' },
  'attestation-invalid': { errorCode: 'E-auth', message: '本人確認ができませんでした（顔認証の結果を検証できません）' },
  'card-not-linked': { errorCode: 'E-auth', message: 'マイナンバーカードと資格情報の紐付けを確認できません' },
  'challenge-unknown': COMMUNICATION_ERROR,
  'challenge-expired': COMMUNICATION_ERROR,
  'challenge-reused': COMMUNICATION_ERROR,
  'certificate-status-unknown': COMMUNICATION_ERROR,
};

/** A rejection without a reason is an incomplete answer from central: treat it as E-auth. */
export const UNSPECIFIED_REJECTION: ReaderError = { errorCode: 'E-auth', message: '本人確認ができませんでした' };

export function readerErrorFor(reason: RejectionReason | undefined): ReaderError {
  return reason === undefined ? UNSPECIFIED_REJECTION : REJECTION_ERRORS[reason];
}

/**
 * A phone (スマホ保険証) whose certificate is only valid by the 3-month post-expiry grace: the grace
 * is for the physical card only, so the phone is refused and the patient is sent to the card
 * (reader-flow F25 → E-phone, PORTAL-KB-SMAPHO; rules.md §2.2 gives the grace, reader-flow §1.2 says
 * «the 3-month grace applies to the physical card only»). The wording is ours.
 */
export const PHONE_IN_GRACE: ReaderError = {
  errorCode: 'E-phone',
  message: 'スマートフォンの電子証明書は有効期限切れです。マイナンバーカードをご利用ください',
};
