/**
 * Builds a My Number card from a persona's card facts: a cached TEST-ONLY RSA-2048 key, an auth
 * certificate issued for it by the simulated J-LIS, and the PIN state.
 */
import type { SimulatedJlis } from './jlis-ca.js';
import { MyNumberCard, AUTH_PIN_MAX_TRIES } from './jpki-card.js';
import { getRsaKeyPair } from './key-cache.js';

export interface CreateMyNumberCardOptions {
  jlis: SimulatedJlis;
  /** 4 ASCII digits. */
  authPin: string;
  /** Validity of the auth certificate as JST calendar days (YYYY-MM-DD), both days valid. */
  authCertificate: { notBefore: string; notAfter: string; serialNumber?: string };
  /** Tries left on the auth PIN, 0–3 (0 = blocked). Default 3. */
  authPinTriesLeft?: number;
  /**
   * Key-cache label of the card's key. Default `card-default`: every card built without a label
   * shares that key, so give each persona its own label when keys must differ.
   */
  keyLabel?: string;
  /** ATR override; default the contact My Number card ATR. */
  atr?: Uint8Array;
}

export async function createMyNumberCard(opts: CreateMyNumberCardOptions): Promise<MyNumberCard> {
  if (typeof opts.authPin !== 'string' || !/^[0-9]{4}$/.test(opts.authPin)) {
    // The PIN itself is never echoed, only its shape.
    const shape = typeof opts.authPin === 'string' ? `${opts.authPin.length} characters` : typeof opts.authPin;
    throw new RangeError(
      `createMyNumberCard: authPin must be exactly 4 digits 0–9 (the JPKI auth PIN), received ${shape}; fix the persona's card.authPin`,
    );
  }
  const tries = opts.authPinTriesLeft ?? AUTH_PIN_MAX_TRIES;
  if (!Number.isInteger(tries) || tries < 0 || tries > AUTH_PIN_MAX_TRIES) {
    throw new RangeError(
      `createMyNumberCard: authPinTriesLeft must be an integer 0–${AUTH_PIN_MAX_TRIES} (0 = blocked), received ${String(opts.authPinTriesLeft)}`,
    );
  }
  const keys = await getRsaKeyPair(opts.keyLabel ?? 'card-default');
  const authCertificateDer = await opts.jlis.issueAuthCertificate({
    publicKey: keys.publicKey,
    notBefore: opts.authCertificate.notBefore,
    notAfter: opts.authCertificate.notAfter,
    ...(opts.authCertificate.serialNumber !== undefined ? { serialNumber: opts.authCertificate.serialNumber } : {}),
  });
  return new MyNumberCard({
    authCertificateDer,
    authCaCertificateDer: opts.jlis.authCaCertificateDer,
    authPrivateKey: keys.privateKey,
    authPin: opts.authPin,
    authPinTriesLeft: tries,
    ...(opts.atr !== undefined ? { atr: opts.atr } : {}),
  });
}
