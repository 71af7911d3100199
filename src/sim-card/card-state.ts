/**
 * Card-level states a persona can put a card in (rules.md §2.1–2.2, troubles T41, T42).
 *
 * - `destroyed`: the chip was destroyed, e.g. by an attempt to read it illegitimately (the card's
 *   tamper protection). It answers nothing: `transmit` rejects with `CardUnresponsiveError` and
 *   `process` returns zero bytes (no status word), which a PC/SC stack reports as a transmit
 *   error. A reader shows its card-read error (001 on the simulated reader).
 * - `token`: what carries the JPKI AP. `card` is a My Number card (EF 0006 `JPKIAPICCTOKEN2`);
 *   `android` is the JPKI of an Android phone (EF 0006 `JPKIAPGPSETOKEN`), which has its own
 *   certificates and 4-digit PIN and no 券面事項入力補助AP / 券面AP. `iphone` is the JPKI of an
 *   iPhone: no PIN on the reader — the holder unlocks with Face ID / Touch ID on the phone
 *   (`biometricUnlock()`), after which the auth key signs without VERIFY (see jpki-card.ts).
 *   Its EF 0006 label is not public (UNCONFIRMED): we give it the Android one, JPKIAPGPSETOKEN
 *   (a JPKI AP in a phone's secure element), since no client we know tells the two apart.
 */
export type CardState = 'normal' | 'destroyed';
export type CardToken = 'card' | 'android' | 'iphone';

/** EF 0006 label for each token kind (jpki-apdu.md §A.3). */
export const TOKEN_LABELS: Readonly<Record<CardToken, string>> = {
  card: 'JPKIAPICCTOKEN2',
  android: 'JPKIAPGPSETOKEN',
  iphone: 'JPKIAPGPSETOKEN',
};

/** What the phone's biometric check does when asked (persona option; default `succeeds`). */
export type BiometricResult = 'succeeds' | 'fails';

/** The card did not answer at all (destroyed chip). */
export class CardUnresponsiveError extends Error {
  override readonly name = 'CardUnresponsiveError';
  constructor(readonly command: string) {
    super(`the card did not answer ${command}: its chip is destroyed (persona card state "destroyed"); the holder needs a new card from the municipality`);
  }
}
