/**
 * What a reader holds when a card is placed on it: a way to exchange APDUs. The card simulator
 * implements it in-process; the vpcd bridge (later) carries the same bytes over TCP.
 */
export interface CardTransport {
  /** Answer-to-reset of the card. */
  readonly atr: Uint8Array;
  /** Sends one command APDU and resolves with the response (data + SW1 SW2). */
  transmit(command: Uint8Array): Promise<Uint8Array>;
  /**
   * The holder's biometric unlock on a smartphone carrier (iPhone: Face ID / Touch ID replaces
   * the user-authentication PIN). Resolves true when the carrier supports it and it unlocked;
   * then the auth key signs without VERIFY. Absent, or false, on anything else.
   */
  biometricUnlock?(): Promise<boolean>;
}

/** Application identifiers of the My Number card (jpki-apdu.md §A.2). */
export const AID = {
  JPKI: Uint8Array.from([0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]),
  TEXT: Uint8Array.from([0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08]),
  FACE: Uint8Array.from([0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02]),
} as const;

/** Elementary files of the JPKI AP (jpki-apdu.md §A.3). */
export const JPKI_EF = {
  TOKEN_INFO: 0x0006,
  AUTH_CERT: 0x000a,
  AUTH_CA_CERT: 0x000b,
  SIGN_CERT: 0x0001,
  SIGN_CA_CERT: 0x0002,
  AUTH_KEY: 0x0017,
  AUTH_PIN: 0x0018,
  SIGN_KEY: 0x001a,
  SIGN_PIN: 0x001b,
} as const;

/** DER prefix of a SHA-256 DigestInfo; the card pads and signs DigestInfo bytes as given. */
export const SHA256_DIGEST_INFO_PREFIX = Uint8Array.from([
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
]);
