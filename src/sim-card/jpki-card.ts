/**
 * The My Number card's JPKI AP (公的個人認証AP) at APDU level: token info, the user-authentication
 * side (certificate, CA certificate, key 0017, 4-digit PIN 0018) and the signature side
 * (certificate 0001 readable only after the sign PIN, CA certificate 0002, key 001A, 6–16
 * character PIN 001B). One `process(command)` turns a command APDU into a response APDU; every
 * path ends in a status word and nothing throws, as on a real card.
 *
 * Choices where the public sources are silent (each is a guess at real-card behaviour, kept in
 * one place here; the tests name them too):
 * - A failed SELECT leaves the current selection as it was (ISO 7816-4 practice).
 * - SELECT of the JPKI AP (even when it is already selected) clears the selected EF and the
 *   verified state of both PINs: OpenSC uses that SELECT as its logout. Retry counters are never
 *   touched by a SELECT.
 * - SELECT of any AID but the JPKI, text and face APs answers 6A 82 (also the text / face AP
 *   when the card was built without them). SELECT by file ID (P1=00, e.g. MF 3F00) also answers
 *   6A 82: the ATR says "card without MF".
 * - SELECT EF with no AP selected answers 6A 82 (there is nothing to find it in).
 * - READ BINARY of a key or PIN EF, or with no EF selected, answers 69 86 (command not allowed,
 *   no current transparent EF); 69 82 would suggest that a PIN could unlock it. READ BINARY of
 *   the sign certificate 0001 before the sign PIN is verified answers 69 82 (a real-card log).
 * - READ BINARY at an offset at or past the end answers 6B 00; an Le past the end returns the rest
 *   with 90 00. READ BINARY without Le answers 67 00.
 * - VERIFY with data compares the whole data with the PIN: any mismatch (also a wrong length)
 *   counts as a wrong PIN. A failed VERIFY also clears the verified state. `00 20 00 80 00`
 *   (empty VERIFY with Le, how T=0 encodes it) is read as the retry-count query, which always
 *   answers 63 Cx (also when verified, and 63 C0 when blocked). VERIFY of a blocked PIN answers
 *   `blockedSw` (default 69 83, which OpenSC maps to "PIN locked"; 69 84 is the myna-go reading).
 * - CHANGE REFERENCE DATA `00 24 01 80 Lc <new PIN>` needs the PIN EF selected and that PIN
 *   verified (69 82 otherwise); a new PIN of the wrong shape answers 6A 80 and changes nothing;
 *   no data answers 67 00. The verified state stays after a change.
 * - SIGN ignores Le (clients send 00) and always returns the 256-byte signature; SIGN with a
 *   selected EF that is not a key answers 69 86.
 * - A power cycle (`reset()`) clears the selection and verified states, never a retry counter.
 * - Without sign-side material (the constructor's sign* options) the card has no 0001/0002/
 *   001A/001B; `createMyNumberCard` gives it except on a PIN-less card.
 * - The 券面事項入力補助AP (text AP) exists only when `text` is given (else its SELECT answers
 *   6A 82 as before). Its EF 0001 (My Number) answers 69 82 until its PIN EF 0011 or PIN A
 *   (EF 0014, the My Number itself) is verified; EF 0002 (basic four) and 0003 (digests) open
 *   with 0011, PIN A or PIN B (EF 0015); EF 0004 (certificate) and 0005 (AP basic info) are free.
 *   SELECT of any AP logs out every PIN (security state is per AP).
 * - The 券面AP (face AP) exists only when `face` is given. EF 0002 (card face) opens with PIN A
 *   (EF 0013) or PIN B (EF 0012); EF 0005 (My Number image) only with PIN A — PIN B is built
 *   from what the card front shows, which does not include the number; 0003 and 0004 are free.
 *   Unverified reads answer 69 82. PIN A / PIN B are derived from the card's data, so CHANGE
 *   REFERENCE DATA on them answers 69 85; they keep working on a PIN-less card. Which file
 *   needs which PIN is our reading of the client sources (UNCONFIRMED).
 * - PIN-less card (顔認証マイナンバーカード, `pinless: true`): no PIN was ever set. Every VERIFY
 *   (also the empty tries-left query) and CHANGE REFERENCE DATA on any PIN EF answers 69 84
 *   ("reference data not usable", ISO 7816-4) — chosen over 6A 82 because the PIN EF exists
 *   while its reference data does not, and over 69 83 so that a reader does not take it for a
 *   lock. Meaning for a reader: the PIN path is unavailable (face or 目視 only). SIGN answers
 *   69 82 (the PIN can never be verified) and the card has no sign side at all; the text AP's
 *   files answer 69 82. The real card's answer is UNCONFIRMED.
 * - iPhone carrier (`token: 'iphone'`): the auth PIN has no reference data on the reader path
 *   — every VERIFY / CHANGE on EF 0018 (also the empty tries-left query) answers 69 84, as on a
 *   PIN-less card, so a reader knows the PIN path is unavailable. `biometricUnlock()` (Face ID /
 *   Touch ID on the phone) lets the auth key 0017 sign without VERIFY until the phone leaves the
 *   field (`reset()`); SELECT of the AP does not undo it (the unlock lives in the phone's OS, not
 *   in the AP's security state). Before an unlock, SIGN with 0017 answers 69 82. The sign side
 *   keeps its password, as on a card. Real phone answers are UNCONFIRMED.
 * - Destroyed chip (`state: 'destroyed'`, or `destroy()`): `transmit` rejects with
 *   `CardUnresponsiveError`, `process` returns zero bytes (no status word). See card-state.ts.
 */
import { createHash, privateEncrypt, constants as cryptoConstants, timingSafeEqual, type KeyObject } from 'node:crypto';
import { AID, JPKI_EF, type CardTransport } from '../protocol/card-transport.js';
import { parseCommandApdu, responseApdu, swOnly, swTriesLeft, SW, toHex, type CommandApdu } from '../protocol/apdu.js';
import { CardUnresponsiveError, TOKEN_LABELS, type BiometricResult, type CardState, type CardToken } from './card-state.js';
import type { CardHolder } from './jpki-holder.js';
import { basicFourEf, myNumberEf, TEXT_EF, TEXT_PIN_FORMAT, TEXT_PIN_MAX_TRIES } from './text-ap.js';
import { apBasicInfoEf, apCertificateEf, textDigestsEf } from './ap-data.js';
import {
  cardFaceEf,
  DEFAULT_PIN_B_FORMAT,
  DEFAULT_SECURITY_CODE,
  FACE_EF,
  myNumberImageEf,
  PIN_A_FORMAT,
  PIN_AB_MAX_TRIES,
  PIN_B_FORMATS,
  pinB,
  TEXT_PIN_AB_EF,
  type PinBFormat,
} from './face-ap.js';

/** "My Number Card" (contact, T=1): the default ATR, from pcsc-tools' smartcard list. */
export const DEFAULT_MY_NUMBER_CARD_ATR = Uint8Array.from([
  0x3b, 0xda, 0x13, 0xff, 0x81, 0x31, 0xfb, 0x46, 0x80, 0x12, 0x39, 0x2f, 0x31, 0xc1, 0x73, 0xc6, 0x01, 0xc0, 0x3b,
]);

/** EF 0006 holds a 32-byte ASCII label, space-padded; `JPKIAPICCTOKEN2` means a My Number card. */
export const JPKI_TOKEN_LABEL = 'JPKIAPICCTOKEN2';

export const AUTH_PIN_MAX_TRIES = 3;
export const SIGN_PIN_MAX_TRIES = 5;

/** Auth PIN: exactly 4 digits. */
export const AUTH_PIN_FORMAT = /^[0-9]{4}$/;
/** Sign PIN (署名用パスワード): 6–16 upper-case letters and digits. */
export const SIGN_PIN_FORMAT = /^[A-Z0-9]{6,16}$/;

/** Largest DigestInfo the card signs: 256-byte modulus − 11 bytes of PKCS#1 v1.5 overhead. */
export const MAX_SIGN_INPUT = 245;

/** `text-pin-a` / `text-pin-b`: the text AP's EF 0014 / 0015; `face-pin-a` / `face-pin-b`: the 券面AP's EF 0013 / 0012. */
export type PinName = 'auth' | 'sign' | 'text' | 'text-pin-a' | 'text-pin-b' | 'face-pin-a' | 'face-pin-b';

export interface MyNumberCardOptions {
  authCertificateDer: Uint8Array;
  authCaCertificateDer: Uint8Array;
  /** RSA-2048 private key matching the auth certificate (the key in EF 0017). */
  authPrivateKey: KeyObject;
  /** The 4-digit auth PIN (利用者証明用電子証明書の暗証番号), as ASCII digits. Required unless `pinless`. */
  authPin?: string;
  /** Tries left on the auth PIN counter, 0–3; 0 = blocked. Default 3. */
  authPinTriesLeft?: number;
  /** Signature certificate (EF 0001). The sign side exists only when this, the CA and the key are given. */
  signCertificateDer?: Uint8Array;
  /** Signature CA certificate (EF 0002). */
  signCaCertificateDer?: Uint8Array;
  /** RSA-2048 private key matching the sign certificate (EF 001A). */
  signPrivateKey?: KeyObject;
  /** The sign PIN (署名用電子証明書のパスワード), 6–16 of A–Z 0–9. Default `SIGN1234`. */
  signPin?: string;
  /** Tries left on the sign PIN, 0–5; 0 = blocked. Default 5. */
  signPinTriesLeft?: number;
  /** SW answered to VERIFY / CHANGE of a blocked PIN: 69 83 (default, OpenSC's reading) or 69 84. */
  blockedSw?: 0x6983 | 0x6984;
  atr?: Uint8Array;
  /** `destroyed`: the chip answers nothing (see card-state.ts). Default `normal`. */
  state?: CardState;
  /** 顔認証マイナンバーカード: no PIN set; PIN options are ignored; no sign side. Default false. */
  pinless?: boolean;
  /** What carries the JPKI AP: `card` (default), `android` (EF 0006 JPKIAPGPSETOKEN) or `iphone` (biometric unlock). */
  token?: CardToken;
  /** iPhone only: whether Face ID / Touch ID succeeds when `biometricUnlock()` is called. Default `succeeds`. */
  biometric?: BiometricResult;
  /** The 券面事項入力補助AP; absent = the card answers 6A 82 to its SELECT. */
  text?: TextApOptions;
  /** The 券面AP; absent = the card answers 6A 82 to its SELECT. */
  face?: FaceApOptions;
}

/** What PIN A and PIN B are made of, and the key that signs the AP data files. */
export interface CardFaceData {
  /** Card expiry YYYY-MM-DD (有効期限): EF 0002 DF 29 and the year in PIN B. */
  cardExpiresOn: string;
  /** The 4-digit セキュリティコード on the card face. Default `0000`. */
  securityCode?: string;
  /** How PIN B writes the birth date (UNCONFIRMED, see face-ap.ts). Default `yymmdd` (14 digits). */
  pinBFormat?: PinBFormat;
  /** TEST-ONLY RSA private key standing in for J-LIS's AP data key (signatures in the AP files). */
  dataKey: KeyObject;
}

export interface FaceApOptions extends CardFaceData {
  myNumber: string;
  holder: CardHolder;
  /** Tries left on PIN A / PIN B, 0–3. Default 3. */
  pinATriesLeft?: number;
  pinBTriesLeft?: number;
}

export interface TextApOptions {
  /** 12 ASCII digits (validated by createMyNumberCard; the card stores what it is given). */
  myNumber: string;
  /** Name, address, birth date and sex for EF 0002. */
  holder: CardHolder;
  /** The 4-digit 券面事項入力補助用暗証番号. Required unless the card is `pinless`. */
  pin?: string;
  /** Tries left, 0–3; 0 = blocked. Default 3. */
  pinTriesLeft?: number;
  /** Given → the text AP also has PIN A (0014), PIN B (0015) and EFs 0003–0005. */
  faceData?: CardFaceData;
}

export const DEFAULT_SIGN_PIN = 'SIGN1234';

/** One PIN EF and its counter. The counter lives on the card; `verified` is session state. */
interface Pin {
  readonly name: PinName;
  readonly format: RegExp;
  readonly maxTries: number;
  value: Uint8Array;
  tries: number;
  verified: boolean;
  /** PIN-less card: no reference data, every VERIFY answers 69 84. */
  readonly unset: boolean;
  /** False for PIN A / PIN B, which are derived from the card's data (CHANGE answers 69 85). */
  readonly changeable: boolean;
}

type Ef =
  /** `readPins`: readable once any one of them is verified (and not blocked). */
  | { kind: 'binary'; content: Uint8Array; readPins?: readonly Pin[] }
  | { kind: 'key'; key: KeyObject; pin: Pin }
  | { kind: 'pin'; pin: Pin };

type Ap = 'jpki' | 'text' | 'face';

/** SW of VERIFY / CHANGE on a PIN-less card's PIN EFs: reference data not usable. */
export const PINLESS_SW = 0x6984;

/** Thrown inside a handler to end the command with a status word (jCardSim's ISOException). */
class StatusWord {
  constructor(readonly sw: number) {}
}

const CLA_ISO = 0x00;
const CLA_PROPRIETARY = 0x80;

const INS_SELECT = 0xa4;
const INS_READ_BINARY = 0xb0;
const INS_VERIFY = 0x20;
const INS_CHANGE_REFERENCE_DATA = 0x24;
const INS_SIGN = 0x2a;

export class MyNumberCard implements CardTransport {
  readonly #atr: Uint8Array;
  readonly #authCertificateDer: Uint8Array;
  readonly #signCertificateDer: Uint8Array | undefined;
  readonly #pins: Map<PinName, Pin>;
  readonly #blockedSw: number;
  readonly #files: ReadonlyMap<Ap, ReadonlyMap<number, Ef>>;
  readonly #pinless: boolean;
  readonly #token: CardToken;
  #state: CardState;
  readonly #biometric: BiometricResult;
  /** iPhone: the holder unlocked the phone; cleared when it leaves the field (reset). */
  #biometricUnlocked = false;
  readonly #handlers: ReadonlyMap<number, (apdu: CommandApdu) => Uint8Array>;

  #selectedAp: Ap | undefined;
  #selectedEf: number | undefined;

  constructor(opts: MyNumberCardOptions) {
    this.#pinless = opts.pinless ?? false;
    this.#token = opts.token ?? 'card';
    this.#state = opts.state ?? 'normal';
    if (!(this.#token in TOKEN_LABELS)) throw new RangeError(`MyNumberCard: token must be "card", "android" or "iphone", received ${String(opts.token)}`);
    this.#biometric = opts.biometric ?? 'succeeds';
    if (this.#biometric !== 'succeeds' && this.#biometric !== 'fails') throw new RangeError(`MyNumberCard: biometric must be "succeeds" or "fails", received ${String(opts.biometric)}`);
    if (this.#state !== 'normal' && this.#state !== 'destroyed') {
      throw new RangeError(`MyNumberCard: state must be "normal" or "destroyed", received ${String(opts.state)}`);
    }
    const noAuthPin = this.#pinless || this.#token === 'iphone';
    if (!noAuthPin && (opts.authPin === undefined || !AUTH_PIN_FORMAT.test(opts.authPin))) {
      throw new RangeError('MyNumberCard: authPin must be exactly 4 ASCII digits (0–9); check the persona or card options');
    }
    checkRsaKey(opts.authPrivateKey, 'authPrivateKey');
    this.#atr = Uint8Array.from(opts.atr ?? DEFAULT_MY_NUMBER_CARD_ATR);
    this.#blockedSw = opts.blockedSw ?? SW.AUTH_METHOD_BLOCKED;
    if (this.#blockedSw !== SW.AUTH_METHOD_BLOCKED && this.#blockedSw !== SW.REFERENCE_DATA_NOT_USABLE) {
      throw new RangeError('MyNumberCard: blockedSw must be 0x6983 or 0x6984');
    }
    this.#authCertificateDer = Uint8Array.from(opts.authCertificateDer);
    const authPin = makePin('auth', noAuthPin ? undefined : opts.authPin, opts.authPinTriesLeft, AUTH_PIN_MAX_TRIES, AUTH_PIN_FORMAT);
    this.#pins = new Map([['auth', authPin]]);
    const files = new Map<number, Ef>([
      [JPKI_EF.TOKEN_INFO, { kind: 'binary', content: tokenInfo(TOKEN_LABELS[this.#token]) }],
      [JPKI_EF.AUTH_CERT, { kind: 'binary', content: this.#authCertificateDer }],
      [JPKI_EF.AUTH_CA_CERT, { kind: 'binary', content: Uint8Array.from(opts.authCaCertificateDer) }],
      [JPKI_EF.AUTH_KEY, { kind: 'key', key: opts.authPrivateKey, pin: authPin }],
      [JPKI_EF.AUTH_PIN, { kind: 'pin', pin: authPin }],
    ]);
    const { signCertificateDer, signCaCertificateDer, signPrivateKey } = opts;
    if (this.#pinless && signCertificateDer !== undefined) {
      throw new TypeError('MyNumberCard: a PIN-less card has no signature side; leave out the sign* options');
    }
    if (signCertificateDer !== undefined || signCaCertificateDer !== undefined || signPrivateKey !== undefined) {
      if (signCertificateDer === undefined || signCaCertificateDer === undefined || signPrivateKey === undefined) {
        throw new TypeError('MyNumberCard: give signCertificateDer, signCaCertificateDer and signPrivateKey together (or none for a card without the sign side)');
      }
      checkRsaKey(signPrivateKey, 'signPrivateKey');
      const signPinValue = opts.signPin ?? DEFAULT_SIGN_PIN;
      if (!SIGN_PIN_FORMAT.test(signPinValue)) {
        throw new RangeError('MyNumberCard: signPin must be 6–16 characters of upper-case A–Z and 0–9; check the persona or card options');
      }
      const signPin = makePin('sign', signPinValue, opts.signPinTriesLeft, SIGN_PIN_MAX_TRIES, SIGN_PIN_FORMAT);
      this.#pins.set('sign', signPin);
      this.#signCertificateDer = Uint8Array.from(signCertificateDer);
      files.set(JPKI_EF.SIGN_CERT, { kind: 'binary', content: this.#signCertificateDer, readPins: [signPin] });
      files.set(JPKI_EF.SIGN_CA_CERT, { kind: 'binary', content: Uint8Array.from(signCaCertificateDer) });
      files.set(JPKI_EF.SIGN_KEY, { kind: 'key', key: signPrivateKey, pin: signPin });
      files.set(JPKI_EF.SIGN_PIN, { kind: 'pin', pin: signPin });
    }
    const aps = new Map<Ap, ReadonlyMap<number, Ef>>([['jpki', files]]);
    if (opts.text !== undefined) {
      if (this.#token !== 'card') throw new TypeError('MyNumberCard: only a My Number card (token "card") has the 券面事項入力補助AP; leave out `text`');
      if (!this.#pinless && (opts.text.pin === undefined || !TEXT_PIN_FORMAT.test(opts.text.pin))) {
        throw new RangeError('MyNumberCard: text.pin must be exactly 4 ASCII digits (the 券面事項入力補助 PIN); check the persona or card options');
      }
      const textPin = makePin('text', this.#pinless ? undefined : opts.text.pin, opts.text.pinTriesLeft, TEXT_PIN_MAX_TRIES, TEXT_PIN_FORMAT);
      this.#pins.set('text', textPin);
      aps.set('text', this.#textFiles(opts.text, textPin));
    }
    if (opts.face !== undefined) {
      if (this.#token !== 'card') throw new TypeError('MyNumberCard: only a My Number card (token "card") has the 券面AP; leave out `face`');
      aps.set('face', this.#faceFiles(opts.face));
    }
    this.#files = aps;
    this.#handlers = new Map([
      [(CLA_ISO << 8) | INS_SELECT, (a: CommandApdu) => this.#select(a)],
      [(CLA_ISO << 8) | INS_READ_BINARY, (a: CommandApdu) => this.#readBinary(a)],
      [(CLA_ISO << 8) | INS_VERIFY, (a: CommandApdu) => this.#verify(a)],
      [(CLA_ISO << 8) | INS_CHANGE_REFERENCE_DATA, (a: CommandApdu) => this.#changeReferenceData(a)],
      [(CLA_PROPRIETARY << 8) | INS_SIGN, (a: CommandApdu) => this.#sign(a)],
    ]);
  }

  /** EFs of the text AP; PIN A / PIN B and 0003–0005 only with `faceData`. */
  #textFiles(text: TextApOptions, textPin: Pin): Map<number, Ef> {
    const myNumberFile = myNumberEf(text.myNumber);
    const basicFourFile = basicFourEf(text.holder);
    const files = new Map<number, Ef>([[TEXT_EF.PIN, { kind: 'pin', pin: textPin }]]);
    if (text.faceData === undefined) {
      files.set(TEXT_EF.MY_NUMBER, { kind: 'binary', content: myNumberFile, readPins: [textPin] });
      files.set(TEXT_EF.BASIC_FOUR, { kind: 'binary', content: basicFourFile, readPins: [textPin] });
      return files;
    }
    const [pinA, pinBPin] = this.#pinAB('text', text.myNumber, text.holder, text.faceData, undefined, undefined);
    const key = text.faceData.dataKey;
    files.set(TEXT_EF.MY_NUMBER, { kind: 'binary', content: myNumberFile, readPins: [textPin, pinA] });
    files.set(TEXT_EF.BASIC_FOUR, { kind: 'binary', content: basicFourFile, readPins: [textPin, pinA, pinBPin] });
    files.set(TEXT_EF.DIGESTS, { kind: 'binary', content: textDigestsEf(myNumberFile, basicFourFile, key), readPins: [textPin, pinA, pinBPin] });
    files.set(TEXT_EF.CERTIFICATE, { kind: 'binary', content: apCertificateEf(key) });
    files.set(TEXT_EF.AP_BASIC_INFO, { kind: 'binary', content: apBasicInfoEf(key) });
    files.set(TEXT_PIN_AB_EF.PIN_A, { kind: 'pin', pin: pinA });
    files.set(TEXT_PIN_AB_EF.PIN_B, { kind: 'pin', pin: pinBPin });
    return files;
  }

  #faceFiles(face: FaceApOptions): Map<number, Ef> {
    const [pinA, pinBPin] = this.#pinAB('face', face.myNumber, face.holder, face, face.pinATriesLeft, face.pinBTriesLeft);
    const key = face.dataKey;
    const content = cardFaceEf({ holder: face.holder, cardExpiresOn: face.cardExpiresOn, securityCode: face.securityCode ?? DEFAULT_SECURITY_CODE, key });
    return new Map<number, Ef>([
      [FACE_EF.FACE, { kind: 'binary', content, readPins: [pinA, pinBPin] }],
      [FACE_EF.AP_BASIC_INFO, { kind: 'binary', content: apBasicInfoEf(key) }],
      [FACE_EF.CERTIFICATE, { kind: 'binary', content: apCertificateEf(key) }],
      [FACE_EF.MY_NUMBER_IMAGE, { kind: 'binary', content: myNumberImageEf(face.myNumber, key), readPins: [pinA] }],
      [FACE_EF.PIN_B, { kind: 'pin', pin: pinBPin }],
      [FACE_EF.PIN_A, { kind: 'pin', pin: pinA }],
    ]);
  }

  #pinAB(ap: 'text' | 'face', myNumber: string, holder: CardHolder, data: CardFaceData, aTries: number | undefined, bTries: number | undefined): [Pin, Pin] {
    if (!PIN_A_FORMAT.test(myNumber)) throw new RangeError(`MyNumberCard: ${ap}: the My Number (PIN A) must be 12 ASCII digits`);
    const format = data.pinBFormat ?? DEFAULT_PIN_B_FORMAT;
    if (!(format in PIN_B_FORMATS)) throw new RangeError(`MyNumberCard: pinBFormat must be "yymmdd" or "yyyymmdd", received ${String(format)}`);
    const pinBValue = pinB(holder.birthDate, data.cardExpiresOn, data.securityCode ?? DEFAULT_SECURITY_CODE, format);
    const pinA = makePin(`${ap}-pin-a`, myNumber, aTries, PIN_AB_MAX_TRIES, PIN_A_FORMAT, false);
    const pinBPin = makePin(`${ap}-pin-b`, pinBValue, bTries, PIN_AB_MAX_TRIES, PIN_B_FORMATS[format], false);
    this.#pins.set(`${ap}-pin-a`, pinA);
    this.#pins.set(`${ap}-pin-b`, pinBPin);
    return [pinA, pinBPin];
  }

  get atr(): Uint8Array {
    return Uint8Array.from(this.#atr);
  }

  /** Tries left on any PIN of the card (0 = blocked); undefined when the card has no such PIN. */
  pinTriesLeft(pin: PinName): number | undefined {
    return this.#pins.get(pin)?.tries;
  }

  /** Tries left on the auth PIN; 0 means blocked. Survives sessions and resets, as on a card. */
  get authPinTriesLeft(): number {
    return this.#pins.get('auth')!.tries;
  }

  get authPinBlocked(): boolean {
    return this.authPinTriesLeft === 0;
  }

  /** Tries left on the sign PIN (0 = blocked); undefined on a card without the sign side. */
  get signPinTriesLeft(): number | undefined {
    return this.#pins.get('sign')?.tries;
  }

  get signPinBlocked(): boolean {
    return this.#pins.get('sign')?.tries === 0;
  }

  /** Tries left on the 券面事項入力補助 PIN; undefined on a card without the text AP. */
  get textPinTriesLeft(): number | undefined {
    return this.#pins.get('text')?.tries;
  }

  /** A PIN-less card (顔認証マイナンバーカード): its PIN counters exist but can never be used. */
  get pinless(): boolean {
    return this.#pinless;
  }

  get token(): CardToken {
    return this.#token;
  }

  get state(): CardState {
    return this.#state;
  }

  /**
   * Face ID / Touch ID on an iPhone carrier: true when it unlocked (the auth key then signs
   * without VERIFY until `reset()`); false on a card, an Android phone, a destroyed chip, or
   * when the persona's biometric check fails.
   */
  biometricUnlock(): Promise<boolean> {
    if (this.#token !== 'iphone' || this.#state === 'destroyed' || this.#biometric === 'fails') return Promise.resolve(false);
    this.#biometricUnlocked = true;
    return Promise.resolve(true);
  }

  /** Destroys the chip (tampering): from now on it answers nothing. There is no way back. */
  destroy(): void {
    this.#state = 'destroyed';
  }

  get authCertificateDer(): Uint8Array {
    return Uint8Array.from(this.#authCertificateDer);
  }

  get signCertificateDer(): Uint8Array | undefined {
    return this.#signCertificateDer === undefined ? undefined : Uint8Array.from(this.#signCertificateDer);
  }

  /**
   * The administrative reset of a locked PIN (初期化, done at the 市区町村 窓口): sets the counter
   * back to its maximum and optionally a new PIN. Nothing on the card's interface can do this.
   */
  administrativeReset(pin: PinName, newPin?: string): void {
    const state = this.#pins.get(pin);
    if (!state) throw new RangeError(`MyNumberCard.administrativeReset: this card has no ${pin} PIN`);
    if (state.unset) throw new RangeError(`MyNumberCard.administrativeReset: this is a PIN-less card; its ${pin} PIN cannot be reset`);
    if (newPin !== undefined && !state.changeable) {
      throw new RangeError(`MyNumberCard.administrativeReset: the ${pin} PIN is derived from the card's data and cannot be set; call without newPin`);
    }
    if (newPin !== undefined) {
      if (!state.format.test(newPin)) throw new RangeError(`MyNumberCard.administrativeReset: the new ${pin} PIN does not have the required shape ${String(state.format)}`);
      state.value = new TextEncoder().encode(newPin);
    }
    state.tries = state.maxTries;
    state.verified = false;
  }

  /** Resolves with the response; rejects with `CardUnresponsiveError` when the chip is destroyed. */
  transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.#state === 'destroyed') return Promise.reject(new CardUnresponsiveError(toHex(command.subarray(0, 4))));
    return Promise.resolve(this.process(command));
  }

  /** Power cycle / warm reset: volatile state goes, the PIN retry counters stay. */
  reset(): void {
    this.#selectedAp = undefined;
    this.#selectedEf = undefined;
    this.#logout();
    this.#biometricUnlocked = false;
  }

  /**
   * Answers one command APDU. Never throws: every outcome is a response ending in SW1 SW2 —
   * except on a destroyed chip, which answers zero bytes.
   */
  process(command: Uint8Array): Uint8Array {
    if (this.#state === 'destroyed') return new Uint8Array(0);
    try {
      const parsed = parseCommandApdu(command);
      if (!parsed.ok) return swOnly(parsed.sw);
      const { apdu } = parsed;
      if (apdu.cla !== CLA_ISO && apdu.cla !== CLA_PROPRIETARY) return swOnly(SW.CLA_NOT_SUPPORTED);
      const handler = this.#handlers.get((apdu.cla << 8) | apdu.ins);
      if (!handler) return swOnly(SW.INS_NOT_SUPPORTED);
      return handler(apdu);
    } catch (error) {
      if (error instanceof StatusWord) return swOnly(error.sw);
      return swOnly(SW.UNKNOWN);
    }
  }

  #logout(): void {
    for (const pin of this.#pins.values()) pin.verified = false;
  }

  // SELECT: 00 A4 04 0C|00 <AID> (application by DF name), 00 A4 02 0C|00 <FID> (EF of the AP).
  #select(apdu: CommandApdu): Uint8Array {
    if (apdu.p2 !== 0x0c && apdu.p2 !== 0x00) throw new StatusWord(SW.INCORRECT_P1P2);
    switch (apdu.p1) {
      case 0x04: {
        const ap = APS.find((name) => equalBytes(apdu.data, AID[AP_AIDS[name]]) && this.#files.has(name));
        if (ap === undefined) throw new StatusWord(SW.FILE_NOT_FOUND);
        this.#selectedAp = ap;
        this.#selectedEf = undefined;
        this.#logout();
        return swOnly(SW.OK);
      }
      case 0x02: {
        if (apdu.data.length !== 2) throw new StatusWord(SW.WRONG_LENGTH);
        const fid = (apdu.data[0]! << 8) | apdu.data[1]!;
        if (!this.#currentFiles().has(fid)) throw new StatusWord(SW.FILE_NOT_FOUND);
        this.#selectedEf = fid;
        return swOnly(SW.OK);
      }
      case 0x00:
        // Selection by file ID from the MF (e.g. 3F00 probes): a card without MF has none.
        return swOnly(SW.FILE_NOT_FOUND);
      default:
        throw new StatusWord(SW.INCORRECT_P1P2);
    }
  }

  // READ BINARY: 00 B0 P1 P2 Le — offset P1‖P2 (P1 b8=0), or P1 = 80|SFI with offset P2.
  #readBinary(apdu: CommandApdu): Uint8Array {
    if (apdu.data.length > 0 || !apdu.hasLe) throw new StatusWord(SW.WRONG_LENGTH);
    let fid: number;
    let offset: number;
    if (apdu.p1 & 0x80) {
      if (apdu.p1 & 0x60) throw new StatusWord(SW.INCORRECT_P1P2);
      const sfi = apdu.p1 & 0x1f;
      offset = apdu.p2;
      if (sfi === 0) {
        fid = this.#currentEf();
      } else {
        const found = [...this.#currentFiles().keys()].find((id) => (id & 0x1f) === sfi && id >> 5 === 0);
        if (found === undefined) throw new StatusWord(SW.FILE_NOT_FOUND);
        fid = found;
      }
    } else {
      fid = this.#currentEf();
      offset = (apdu.p1 << 8) | apdu.p2;
    }
    const ef = this.#currentFiles().get(fid);
    if (ef?.kind !== 'binary') throw new StatusWord(SW.COMMAND_NOT_ALLOWED_NO_EF);
    if (ef.readPins && !ef.readPins.some((p) => p.verified && p.tries > 0)) throw new StatusWord(SW.SECURITY_STATUS_NOT_SATISFIED);
    if (offset >= ef.content.length) throw new StatusWord(SW.WRONG_P1P2);
    this.#selectedEf = fid; // ISO 7816-4: reading by SFI makes that EF the current one.
    const end = Math.min(ef.content.length, offset + apdu.le);
    return responseApdu(ef.content.subarray(offset, end), SW.OK);
  }

  // VERIFY: 00 20 00 80 Lc <PIN ASCII> on the selected PIN EF; 00 20 00 80 = retry-count query.
  #verify(apdu: CommandApdu): Uint8Array {
    if (apdu.p1 !== 0x00 || apdu.p2 !== 0x80) throw new StatusWord(SW.INCORRECT_P1P2);
    const pin = this.#selectedPin();
    if (pin.unset) return swOnly(PINLESS_SW);
    if (apdu.data.length === 0) return swOnly(swTriesLeft(pin.tries));
    if (pin.tries === 0) return swOnly(this.#blockedSw);
    if (samePin(apdu.data, pin.value)) {
      pin.tries = pin.maxTries;
      pin.verified = true;
      return swOnly(SW.OK);
    }
    pin.tries -= 1;
    pin.verified = false;
    return swOnly(swTriesLeft(pin.tries));
  }

  // CHANGE REFERENCE DATA: 00 24 01 80 Lc <new PIN> on the selected PIN EF, after VERIFY of the old one.
  #changeReferenceData(apdu: CommandApdu): Uint8Array {
    if (apdu.p1 !== 0x01 || apdu.p2 !== 0x80) throw new StatusWord(SW.INCORRECT_P1P2);
    const pin = this.#selectedPin();
    if (apdu.data.length === 0) throw new StatusWord(SW.WRONG_LENGTH);
    if (pin.unset) throw new StatusWord(PINLESS_SW);
    if (!pin.changeable) throw new StatusWord(SW.CONDITIONS_NOT_SATISFIED);
    if (pin.tries === 0) throw new StatusWord(this.#blockedSw);
    if (!pin.verified) throw new StatusWord(SW.SECURITY_STATUS_NOT_SATISFIED);
    if (!pin.format.test(asciiOrEmpty(apdu.data))) throw new StatusWord(SW.WRONG_DATA);
    pin.value = Uint8Array.from(apdu.data);
    return swOnly(SW.OK);
  }

  // COMPUTE DIGITAL SIGNATURE (JPKI form): 80 2A 00 80 Lc <DigestInfo> 00 on the selected key EF.
  #sign(apdu: CommandApdu): Uint8Array {
    if (apdu.p1 !== 0x00 || apdu.p2 !== 0x80) throw new StatusWord(SW.INCORRECT_P1P2);
    if (apdu.data.length === 0 || apdu.data.length > MAX_SIGN_INPUT) throw new StatusWord(SW.WRONG_LENGTH);
    const ef = this.#selectedEf === undefined ? undefined : this.#currentFiles().get(this.#selectedEf);
    if (ef?.kind !== 'key') throw new StatusWord(SW.COMMAND_NOT_ALLOWED_NO_EF);
    const unlocked = ef.pin.name === 'auth' && this.#biometricUnlocked;
    if (!unlocked && (!ef.pin.verified || ef.pin.tries === 0)) throw new StatusWord(SW.SECURITY_STATUS_NOT_SATISFIED);
    // PKCS#1 v1.5 type-1 padding over the bytes as given: the client builds the DigestInfo.
    const signature = privateEncrypt({ key: ef.key, padding: cryptoConstants.RSA_PKCS1_PADDING }, apdu.data);
    return responseApdu(new Uint8Array(signature), SW.OK);
  }

  #selectedPin(): Pin {
    const ef = this.#selectedEf === undefined ? undefined : this.#currentFiles().get(this.#selectedEf);
    if (ef?.kind !== 'pin') throw new StatusWord(SW.COMMAND_NOT_ALLOWED_NO_EF);
    return ef.pin;
  }

  #currentFiles(): ReadonlyMap<number, Ef> {
    return (this.#selectedAp === undefined ? undefined : this.#files.get(this.#selectedAp)) ?? NO_FILES;
  }

  #currentEf(): number {
    if (this.#selectedAp === undefined || this.#selectedEf === undefined) throw new StatusWord(SW.COMMAND_NOT_ALLOWED_NO_EF);
    return this.#selectedEf;
  }
}

const NO_FILES: ReadonlyMap<number, Ef> = new Map();
const APS: readonly Ap[] = ['jpki', 'text', 'face'];
const AP_AIDS: Readonly<Record<Ap, keyof typeof AID>> = { jpki: 'JPKI', text: 'TEXT', face: 'FACE' };

/** `value` undefined = a PIN-less card's PIN: no reference data, never verifiable. */
function makePin(name: PinName, value: string | undefined, triesLeft: number | undefined, maxTries: number, format: RegExp, changeable = true): Pin {
  const tries = triesLeft ?? maxTries;
  if (!Number.isInteger(tries) || tries < 0 || tries > maxTries) {
    throw new RangeError(`MyNumberCard: ${name}PinTriesLeft must be an integer 0–${maxTries} (0 = blocked), received ${tries}`);
  }
  return { name, format, maxTries, value: new TextEncoder().encode(value ?? ''), tries, verified: false, unset: value === undefined, changeable };
}

function checkRsaKey(key: KeyObject, field: string): void {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
    throw new TypeError(`MyNumberCard: ${field} must be an RSA private KeyObject (JPKI keys are RSA-2048)`);
  }
}

/** The bytes as text when they are all printable ASCII, else '' (which no PIN format accepts). */
function asciiOrEmpty(bytes: Uint8Array): string {
  return bytes.every((b) => b >= 0x20 && b < 0x7f) ? String.fromCharCode(...bytes) : '';
}

function tokenInfo(label: string): Uint8Array {
  return new TextEncoder().encode(label.padEnd(32, ' '));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Compares without an early exit on the first differing byte (habit; the card is simulated). */
function samePin(given: Uint8Array, pin: Uint8Array): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(pin).digest();
  return timingSafeEqual(a, b);
}
