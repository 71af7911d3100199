/**
 * What `myna-rig card serve --persona …` accepts: a built-in persona id or a JSON file with the
 * card facts, turned into `createMyNumberCard` options. Everything has a default, so `{}` is a
 * valid persona (a fresh card: auth PIN 1234, sign PIN SIGN1234, issued a year before `today`,
 * certificates valid to the holder's 5th birthday after issue).
 */
import { z } from 'zod';
import { addYears, isIsoDate, type IsoDate } from '../domain/index.js';
import type { CreateMyNumberCardOptions } from './create-card.js';
import { isValidMyNumber } from './my-number.js';
import { PIN_AB_MAX_TRIES, SECURITY_CODE_FORMAT } from './face-ap.js';
import { TEXT_PIN_FORMAT, TEXT_PIN_MAX_TRIES } from './text-ap.js';
import { AUTH_PIN_FORMAT, AUTH_PIN_MAX_TRIES, DEFAULT_SIGN_PIN, SIGN_PIN_FORMAT, SIGN_PIN_MAX_TRIES } from './jpki-card.js';

const day = z.string().refine((value: string): boolean => isIsoDate(value), 'must be a calendar date YYYY-MM-DD');
const validity = z.strictObject({ notBefore: day, notAfter: day, serialNumber: z.string().optional() });

export const cardPersonaSchema = z.strictObject({
  authPin: z.string().regex(AUTH_PIN_FORMAT, 'must be 4 digits').optional(),
  authPinTriesLeft: z.number().int().min(0).max(AUTH_PIN_MAX_TRIES).optional(),
  signPin: z.string().regex(SIGN_PIN_FORMAT, 'must be 6–16 of A–Z 0–9').optional(),
  signPinTriesLeft: z.number().int().min(0).max(SIGN_PIN_MAX_TRIES).optional(),
  authCertificate: validity.optional(),
  signCertificate: validity.optional(),
  holder: z
    .strictObject({
      name: z.string().min(1),
      birthDate: day,
      sex: z.enum(['1', '2', '3']),
      address: z.string().min(1),
      nameSubstitutes: z.string().optional(),
    })
    .optional(),
  blockedSw: z.union([z.literal(0x6983), z.literal(0x6984)]).optional(),
  keyLabel: z.string().optional(),
  state: z.enum(['normal', 'destroyed']).optional(),
  pinless: z.boolean().optional(),
  token: z.enum(['card', 'android', 'iphone']).optional(),
  /** iPhone: whether Face ID / Touch ID succeeds when the reader asks for it. */
  biometric: z.enum(['succeeds', 'fails']).optional(),
  myNumber: z.string().refine((v: string): boolean => isValidMyNumber(v), 'must be 12 digits with a valid check digit').optional(),
  textPin: z.string().regex(TEXT_PIN_FORMAT, 'must be 4 digits').optional(),
  textPinTriesLeft: z.number().int().min(0).max(TEXT_PIN_MAX_TRIES).optional(),
  /** 有効期限 of the card (券面AP and PIN B); default from the birthdays (card-validity.ts). */
  cardExpiresOn: day.optional(),
  /** Issue date of card and certificates; drives the birthday-based defaults. */
  issuedOn: day.optional(),
  /** セキュリティコード on the card face (part of PIN B); default 0000. */
  securityCode: z.string().regex(SECURITY_CODE_FORMAT, 'must be 4 digits').optional(),
  /** PIN B's birth-date form (UNCONFIRMED): yymmdd (default, 14 digits) or yyyymmdd (16). */
  pinBFormat: z.enum(['yymmdd', 'yyyymmdd']).optional(),
  facePinATriesLeft: z.number().int().min(0).max(PIN_AB_MAX_TRIES).optional(),
  facePinBTriesLeft: z.number().int().min(0).max(PIN_AB_MAX_TRIES).optional(),
});

export type CardPersona = z.infer<typeof cardPersonaSchema>;

export const BUILTIN_CARD_PERSONAS: Readonly<Record<string, CardPersona>> = {
  default: {},
  'auth-pin-locked': { authPinTriesLeft: 0 },
  'sign-pin-locked': { signPinTriesLeft: 0 },
  'auth-pin-one-try': { authPinTriesLeft: 1 },
  pinless: { pinless: true },
  'chip-destroyed': { state: 'destroyed' },
  android: { token: 'android' },
  iphone: { token: 'iphone' },
  // 983205673214: a made-up number with a valid check digit (no real person's).
  'with-my-number': { myNumber: '983205673214', textPin: '1234' },
};

/** Parses persona JSON text; the error names the field and the file. */
export function parseCardPersona(json: string, source: string): CardPersona {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new Error(`card persona ${source}: not JSON (${(error as Error).message}); write an object such as {"authPin": "1234"}`, { cause: error });
  }
  const parsed = cardPersonaSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new Error(`card persona ${source}: ${issues}`);
  }
  return parsed.data;
}

/**
 * Card options for a persona. The card and its certificates are issued on `issuedOn` (default a
 * year before `today`); unless the persona gives them, the certificates run to the 5th birthday
 * after issue and the card to the 10th (5th for a minor) — see createMyNumberCard.
 */
export function cardOptionsFromPersona(persona: CardPersona, today: IsoDate): Omit<CreateMyNumberCardOptions, 'jlis'> {
  return {
    authPin: persona.authPin ?? '1234',
    signPin: persona.signPin ?? DEFAULT_SIGN_PIN,
    issuedOn: persona.issuedOn ?? persona.authCertificate?.notBefore ?? addYears(today, -1),
    ...(persona.authCertificate !== undefined ? { authCertificate: persona.authCertificate } : {}),
    ...(persona.authPinTriesLeft !== undefined ? { authPinTriesLeft: persona.authPinTriesLeft } : {}),
    ...(persona.signPinTriesLeft !== undefined ? { signPinTriesLeft: persona.signPinTriesLeft } : {}),
    ...(persona.signCertificate !== undefined ? { signCertificate: persona.signCertificate } : {}),
    ...(persona.holder !== undefined ? { holder: persona.holder } : {}),
    ...(persona.blockedSw !== undefined ? { blockedSw: persona.blockedSw } : {}),
    keyLabel: persona.keyLabel ?? 'card-serve',
    ...(persona.state !== undefined ? { state: persona.state } : {}),
    ...(persona.pinless !== undefined ? { pinless: persona.pinless } : {}),
    ...(persona.token !== undefined ? { token: persona.token } : {}),
    ...(persona.biometric !== undefined ? { biometric: persona.biometric } : {}),
    ...(persona.myNumber !== undefined ? { myNumber: persona.myNumber } : {}),
    ...(persona.textPin !== undefined ? { textPin: persona.textPin } : {}),
    ...(persona.textPinTriesLeft !== undefined ? { textPinTriesLeft: persona.textPinTriesLeft } : {}),
    ...(persona.cardExpiresOn !== undefined ? { cardExpiresOn: persona.cardExpiresOn } : {}),
    ...(persona.securityCode !== undefined ? { securityCode: persona.securityCode } : {}),
    ...(persona.pinBFormat !== undefined ? { pinBFormat: persona.pinBFormat } : {}),
    ...(persona.facePinATriesLeft !== undefined ? { facePinATriesLeft: persona.facePinATriesLeft } : {}),
    ...(persona.facePinBTriesLeft !== undefined ? { facePinBTriesLeft: persona.facePinBTriesLeft } : {}),
  };
}
