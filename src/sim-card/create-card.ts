/**
 * Builds a My Number card from a persona's card facts: cached TEST-ONLY RSA-2048 keys (one for
 * authentication, one for signature), the two certificates issued for them by the simulated
 * J-LIS, and the PIN state; optionally the 券面事項入力補助AP and the 券面AP (when `myNumber` is
 * given; their signed data files use a cached TEST-ONLY "J-LIS AP data" key) and a card state
 * (PIN-less, destroyed, Android or iPhone carrier). Validity defaults follow the birthdays
 * (see `validityDates`).
 */
import type { SimulatedJlis } from './jlis-ca.js';
import { DEFAULT_CARD_HOLDER, type CardHolder } from './jpki-holder.js';
import type { BiometricResult, CardState, CardToken } from './card-state.js';
import { MyNumberCard, type CardFaceData, type MyNumberCardOptions, AUTH_PIN_MAX_TRIES, SIGN_PIN_MAX_TRIES, SIGN_PIN_FORMAT, DEFAULT_SIGN_PIN } from './jpki-card.js';
import { isValidMyNumber } from './my-number.js';
import { TEXT_PIN_FORMAT, TEXT_PIN_MAX_TRIES } from './text-ap.js';
import { getRsaKeyPair } from './key-cache.js';
import { cardExpiry, certificateExpiry, isIsoDate, isoDate } from '../domain/index.js';
import { PIN_AB_MAX_TRIES, SECURITY_CODE_FORMAT, type PinBFormat } from './face-ap.js';

export interface CreateMyNumberCardOptions {
  jlis: SimulatedJlis;
  /** 4 ASCII digits. Required unless `pinless` (then ignored). */
  authPin?: string;
  /**
   * Validity of the auth certificate as JST calendar days (YYYY-MM-DD), both days valid. Absent →
   * from `issuedOn` to the 5th birthday after it (or the card's expiry, if earlier).
   */
  authCertificate?: { notBefore: string; notAfter: string; serialNumber?: string };
  /** Tries left on the auth PIN, 0–3 (0 = blocked). Default 3. */
  authPinTriesLeft?: number;
  /** Sign PIN (署名用パスワード), 6–16 of A–Z 0–9. Default `SIGN1234`. */
  signPin?: string;
  /** Tries left on the sign PIN, 0–5 (0 = blocked). Default 5. */
  signPinTriesLeft?: number;
  /** Validity of the sign certificate; default the auth certificate's days. */
  signCertificate?: { notBefore: string; notAfter: string; serialNumber?: string };
  /** Basic four information for the sign certificate; default a test-only holder. */
  holder?: CardHolder;
  /** SW for VERIFY of a blocked PIN: 0x6983 (default) or 0x6984. */
  blockedSw?: 0x6983 | 0x6984;
  /**
   * Key-cache label of the card's auth key; the sign key uses `<label>-sign`. Default
   * `card-default`: every card built without a label shares those keys, so give each persona its
   * own label when keys must differ.
   */
  keyLabel?: string;
  /** ATR override; default the contact My Number card ATR. */
  atr?: Uint8Array;
  /** `destroyed`: chip destroyed by tampering, answers nothing (reader error 001). Default `normal`. */
  state?: CardState;
  /**
   * 顔認証マイナンバーカード: no PIN at all. VERIFY answers 69 84 (PIN path unavailable), no
   * signature certificate is issued, PIN options are ignored. Default false.
   */
  pinless?: boolean;
  /**
   * `android`: the JPKI of an Android phone (EF 0006 JPKIAPGPSETOKEN, 4-digit PIN, no text AP /
   * 券面AP); `iphone`: an iPhone (biometric unlock instead of the auth PIN, `authPin` ignored).
   * Default `card`.
   */
  token?: CardToken;
  /** iPhone: whether Face ID / Touch ID succeeds. Default `succeeds`. */
  biometric?: BiometricResult;
  /**
   * The 12-digit My Number (with a valid check digit). Given → the card has the
   * 券面事項入力補助AP with this number and `holder` as its basic four; absent → no text AP.
   */
  myNumber?: string;
  /** The 券面事項入力補助 PIN (4 digits); default the auth PIN. */
  textPin?: string;
  /** Tries left on the text PIN, 0–3. Default 3. */
  textPinTriesLeft?: number;
  /**
   * Card expiry YYYY-MM-DD (有効期限, on the 券面AP and in PIN B). Default: from the holder's
   * birthdays and the issue date (card-validity.ts: 10th birthday after issue, 5th for a minor).
   */
  cardExpiresOn?: string;
  /**
   * Issue date of the card and certificates: the start of the default validities. Default the
   * auth certificate's notBefore; one of the two is required.
   */
  issuedOn?: string;
  /** The 4-digit セキュリティコード printed on the card face (part of PIN B). Default `0000`. */
  securityCode?: string;
  /** PIN B's birth-date form (UNCONFIRMED, face-ap.ts): `yymmdd` (default, 14 digits) or `yyyymmdd`. */
  pinBFormat?: PinBFormat;
  /** Tries left on the 券面AP's PIN A / PIN B, 0–3. Default 3. */
  facePinATriesLeft?: number;
  facePinBTriesLeft?: number;
}

/** Label of the cached TEST-ONLY key standing in for J-LIS's key over the text/face AP data. */
export const AP_DATA_KEY_LABEL = 'jlis-ap-data-test-only';

export async function createMyNumberCard(opts: CreateMyNumberCardOptions): Promise<MyNumberCard> {
  const pinless = opts.pinless ?? false;
  if (!pinless && opts.token !== 'iphone' && (typeof opts.authPin !== 'string' || !/^[0-9]{4}$/.test(opts.authPin))) {
    // The PIN itself is never echoed, only its shape.
    throw new RangeError(
      `createMyNumberCard: authPin must be exactly 4 digits 0–9 (the JPKI auth PIN), received ${shapeOf(opts.authPin)}; fix the persona's card.authPin`,
    );
  }
  const tries = opts.authPinTriesLeft ?? AUTH_PIN_MAX_TRIES;
  if (!Number.isInteger(tries) || tries < 0 || tries > AUTH_PIN_MAX_TRIES) {
    throw new RangeError(
      `createMyNumberCard: authPinTriesLeft must be an integer 0–${AUTH_PIN_MAX_TRIES} (0 = blocked), received ${String(opts.authPinTriesLeft)}`,
    );
  }
  const signPin = opts.signPin ?? DEFAULT_SIGN_PIN;
  if (typeof signPin !== 'string' || !SIGN_PIN_FORMAT.test(signPin)) {
    throw new RangeError(
      `createMyNumberCard: signPin must be 6–16 characters of upper-case A–Z and 0–9 (the JPKI signature password), received ${shapeOf(signPin)}; fix the persona's sign PIN`,
    );
  }
  const signTries = opts.signPinTriesLeft ?? SIGN_PIN_MAX_TRIES;
  if (!Number.isInteger(signTries) || signTries < 0 || signTries > SIGN_PIN_MAX_TRIES) {
    throw new RangeError(
      `createMyNumberCard: signPinTriesLeft must be an integer 0–${SIGN_PIN_MAX_TRIES} (0 = blocked), received ${String(opts.signPinTriesLeft)}`,
    );
  }
  const dates = validityDates(opts);
  const faceData = await cardFaceData(opts, dates.cardExpiresOn);
  const text = textApOptions(opts, pinless, faceData);
  const label = opts.keyLabel ?? 'card-default';
  const [keys, signKeys] = await Promise.all([getRsaKeyPair(label), getRsaKeyPair(`${label}-sign`)]);
  const authCertificateDer = await opts.jlis.issueAuthCertificate({
    publicKey: keys.publicKey,
    notBefore: dates.authCertificate.notBefore,
    notAfter: dates.authCertificate.notAfter,
    ...(dates.authCertificate.serialNumber !== undefined ? { serialNumber: dates.authCertificate.serialNumber } : {}),
  });
  const common = {
    authCertificateDer,
    authCaCertificateDer: opts.jlis.authCaCertificateDer,
    authPrivateKey: keys.privateKey,
    authPinTriesLeft: tries,
    ...(opts.blockedSw !== undefined ? { blockedSw: opts.blockedSw } : {}),
    ...(opts.atr !== undefined ? { atr: opts.atr } : {}),
    ...(opts.state !== undefined ? { state: opts.state } : {}),
    ...(opts.token !== undefined ? { token: opts.token } : {}),
    ...(opts.biometric !== undefined ? { biometric: opts.biometric } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(faceData !== undefined && opts.myNumber !== undefined
      ? {
          face: {
            ...faceData,
            myNumber: opts.myNumber,
            holder: opts.holder ?? DEFAULT_CARD_HOLDER,
            ...(opts.facePinATriesLeft !== undefined ? { pinATriesLeft: opts.facePinATriesLeft } : {}),
            ...(opts.facePinBTriesLeft !== undefined ? { pinBTriesLeft: opts.facePinBTriesLeft } : {}),
          },
        }
      : {}),
  };
  // A PIN-less card cannot have a signature certificate: it needs the signature password.
  if (pinless) return new MyNumberCard({ ...common, pinless: true });
  const signValidity = opts.signCertificate ?? { notBefore: dates.authCertificate.notBefore, notAfter: dates.authCertificate.notAfter };
  const signCertificateDer = await opts.jlis.issueSignCertificate({
    publicKey: signKeys.publicKey,
    notBefore: signValidity.notBefore,
    notAfter: signValidity.notAfter,
    ...(signValidity.serialNumber !== undefined ? { serialNumber: signValidity.serialNumber } : {}),
    holder: opts.holder ?? DEFAULT_CARD_HOLDER,
  });
  return new MyNumberCard({
    ...common,
    ...(opts.authPin !== undefined ? { authPin: opts.authPin } : {}),
    signCertificateDer,
    signCaCertificateDer: opts.jlis.signCaCertificateDer,
    signPrivateKey: signKeys.privateKey,
    signPin,
    signPinTriesLeft: signTries,
  });
}

/** PIN A / PIN B material and the AP data key; only for a card with a My Number. */
async function cardFaceData(opts: CreateMyNumberCardOptions, cardExpiresOn: string): Promise<CardFaceData | undefined> {
  if (opts.myNumber === undefined || (opts.token ?? 'card') !== 'card') return undefined;
  if (opts.securityCode !== undefined && !SECURITY_CODE_FORMAT.test(opts.securityCode)) {
    throw new RangeError(`createMyNumberCard: securityCode must be exactly 4 digits 0–9, received ${shapeOf(opts.securityCode)}; fix the persona's card.securityCode`);
  }
  for (const field of ['facePinATriesLeft', 'facePinBTriesLeft'] as const) {
    const value = opts[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > PIN_AB_MAX_TRIES)) {
      throw new RangeError(`createMyNumberCard: ${field} must be an integer 0–${PIN_AB_MAX_TRIES} (0 = blocked), received ${String(value)}`);
    }
  }
  const { privateKey } = await getRsaKeyPair(AP_DATA_KEY_LABEL);
  return {
    cardExpiresOn,
    dataKey: privateKey,
    ...(opts.securityCode !== undefined ? { securityCode: opts.securityCode } : {}),
    ...(opts.pinBFormat !== undefined ? { pinBFormat: opts.pinBFormat } : {}),
  };
}

/**
 * Card expiry and auth-certificate validity. Defaults follow J-LIS (card-validity.ts): the card
 * runs to the 10th birthday after issue (5th for a holder under 18 at issue), the certificates to
 * the 5th birthday after issue or the card's expiry if earlier. Explicit values win.
 */
function validityDates(opts: CreateMyNumberCardOptions): { cardExpiresOn: string; authCertificate: { notBefore: string; notAfter: string; serialNumber?: string } } {
  for (const field of ['cardExpiresOn', 'issuedOn'] as const) {
    const value = opts[field];
    if (value !== undefined && !isIsoDate(value)) throw new RangeError(`createMyNumberCard: ${field} must be a calendar date YYYY-MM-DD, received ${JSON.stringify(value)}`);
  }
  const issuedOn = opts.issuedOn ?? opts.authCertificate?.notBefore;
  if (issuedOn === undefined) throw new TypeError('createMyNumberCard: give issuedOn (YYYY-MM-DD) or authCertificate {notBefore, notAfter}; the default validity counts birthdays from the issue date');
  const birthDate = isoDate((opts.holder ?? DEFAULT_CARD_HOLDER).birthDate);
  const cardExpiresOn = opts.cardExpiresOn ?? cardExpiry({ birthDate, issuedOn: isoDate(issuedOn) });
  const authCertificate = opts.authCertificate ?? {
    notBefore: issuedOn,
    notAfter: certificateExpiry({ birthDate, issuedOn: isoDate(issuedOn), cardExpiresOn: isoDate(cardExpiresOn) }),
  };
  return { cardExpiresOn, authCertificate };
}

function textApOptions(opts: CreateMyNumberCardOptions, pinless: boolean, faceData: CardFaceData | undefined): MyNumberCardOptions['text'] {
  if (opts.myNumber === undefined) return undefined;
  // The number itself is never echoed: it is personal data even on a test card.
  if (typeof opts.myNumber !== 'string' || !isValidMyNumber(opts.myNumber)) {
    throw new RangeError(
      `createMyNumberCard: myNumber must be 12 digits whose last is the check digit of the other 11 (総務省令第85号 第5条), received ${shapeOf(opts.myNumber)}; fix the persona's card.myNumber`,
    );
  }
  if ((opts.token ?? 'card') !== 'card') {
    throw new RangeError(`createMyNumberCard: a smartphone (token "${String(opts.token)}") carries no My Number / 券面事項入力補助AP / 券面AP; leave out myNumber`);
  }
  const pinTriesLeft = opts.textPinTriesLeft ?? TEXT_PIN_MAX_TRIES;
  if (!Number.isInteger(pinTriesLeft) || pinTriesLeft < 0 || pinTriesLeft > TEXT_PIN_MAX_TRIES) {
    throw new RangeError(`createMyNumberCard: textPinTriesLeft must be an integer 0–${TEXT_PIN_MAX_TRIES} (0 = blocked), received ${String(opts.textPinTriesLeft)}`);
  }
  const base = { myNumber: opts.myNumber, holder: opts.holder ?? DEFAULT_CARD_HOLDER, pinTriesLeft, ...(faceData !== undefined ? { faceData } : {}) };
  if (pinless) return base;
  const pin = opts.textPin ?? opts.authPin;
  if (typeof pin !== 'string' || !TEXT_PIN_FORMAT.test(pin)) {
    throw new RangeError(`createMyNumberCard: textPin must be exactly 4 digits 0–9 (the 券面事項入力補助 PIN), received ${shapeOf(pin)}; fix the persona's card.textPin`);
  }
  return { ...base, pin };
}

function shapeOf(value: unknown): string {
  return typeof value === 'string' ? `${value.length} characters` : typeof value;
}
