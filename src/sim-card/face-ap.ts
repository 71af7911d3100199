/**
 * The 券面AP (券面確認AP, "kenkaku", AID D3 92 10 00 31 00 01 01 04 02): the card face as data —
 * birth date, sex, name / address / photo images, expiry, security-code image — behind PIN A
 * (EF 0013, the 12-digit My Number) or PIN B (EF 0012, birth date + expiry year + 4-digit
 * security code printed on the card face).
 *
 * EF 0002, the card face: `FF 20 <len>` wrapping `DF 21 <offsets>`, `DF 22` birth (8 ASCII
 * digits YYYYMMDD), `DF 23` sex (1 ASCII digit, ISO 5218), `DF 24` public key (SPKI DER of the
 * AP data key), `DF 25` name image, `DF 26` address image, `DF 27` photo, `DF 28` signature,
 * `DF 29` expiry (8 ASCII digits YYYYMMDD), `DF 2A` security-code image. The tags come from the
 * public client sources; these are our choices (UNCONFIRMED): every image is a small generated
 * greyscale PNG (a real card's photo is JPEG 2000), deterministic per persona; DF 21 holds the
 * 2-byte offsets of DF 22 … DF 2A from the file start; DF 28 is the AP data key's signature over
 * the DF 22 … DF 27 TLVs as stored.
 * EF 0005, My Number image: `FF 40 { DF 41 <PNG>, DF 42 <key id>, DF 43 <signature over DF 41> }`
 * (jsapdu only — UNCONFIRMED). EF 0003 (AP basic info) and EF 0004 (certificate) as in ap-data.ts.
 */
import { dateParts, isoDate } from '../domain/index.js';
import type { CardHolder } from './jpki-holder.js';
import { apKeyId, apPublicKeyDer, apSignature } from './ap-data.js';
import { concatBytes, templateWithOffsets, tlv } from './card-tlv.js';
import { generatedPng } from './png-image.js';
import type { KeyObject } from 'node:crypto';

export const FACE_EF = {
  FACE: 0x0002,
  AP_BASIC_INFO: 0x0003,
  CERTIFICATE: 0x0004,
  MY_NUMBER_IMAGE: 0x0005,
  PIN_B: 0x0012,
  PIN_A: 0x0013,
} as const;

/** The text AP's PIN A / PIN B EFs (same PINs, its own counters). */
export const TEXT_PIN_AB_EF = { PIN_A: 0x0014, PIN_B: 0x0015 } as const;

/**
 * Tries of PIN A and of PIN B, each its own counter per AP. The public sources give no number;
 * 3 like the other 4-digit PINs (UNCONFIRMED).
 */
export const PIN_AB_MAX_TRIES = 3;
export const PIN_A_FORMAT = /^[0-9]{12}$/;

/**
 * How PIN B writes the birth date — the sources conflict (UNCONFIRMED): `yymmdd` (jsapdu:
 * 14 digits, YYMMDD + expiry year YYYY + security code) is the default; `yyyymmdd` (jpki-rs:
 * 16 digits, YYYYMMDD + YYYY + code) is the alternative.
 */
export type PinBFormat = 'yymmdd' | 'yyyymmdd';
export const DEFAULT_PIN_B_FORMAT: PinBFormat = 'yymmdd';
export const PIN_B_FORMATS: Readonly<Record<PinBFormat, RegExp>> = { yymmdd: /^[0-9]{14}$/, yyyymmdd: /^[0-9]{16}$/ };

/** The 4-digit セキュリティコード printed on the card face; default for test cards. */
export const DEFAULT_SECURITY_CODE = '0000';
export const SECURITY_CODE_FORMAT = /^[0-9]{4}$/;

/** PIN B: birth date (YYMMDD or YYYYMMDD) + the expiry's year (YYYY) + the security code. */
export function pinB(birthDate: string, cardExpiresOn: string, securityCode: string, format: PinBFormat = DEFAULT_PIN_B_FORMAT): string {
  if (!SECURITY_CODE_FORMAT.test(securityCode)) throw new RangeError('pinB: the security code must be 4 digits');
  const birth = ymd(birthDate);
  const year = ymd(cardExpiresOn).slice(0, 4);
  return `${format === 'yymmdd' ? birth.slice(2) : birth}${year}${securityCode}`;
}

export interface CardFace {
  holder: CardHolder;
  /** Card expiry YYYY-MM-DD (有効期限). */
  cardExpiresOn: string;
  securityCode: string;
  /** TEST-ONLY J-LIS AP data key. */
  key: KeyObject;
}

/** EF 0002 of the 券面AP. */
export function cardFaceEf(face: CardFace): Uint8Array {
  const { holder } = face;
  const seed = `${holder.name}|${holder.birthDate}|${holder.address}`;
  const ascii = new TextEncoder();
  const signed = [
    tlv(0xdf22, ascii.encode(ymd(holder.birthDate))),
    tlv(0xdf23, ascii.encode(holder.sex === '3' ? '9' : holder.sex)),
    tlv(0xdf24, apPublicKeyDer(face.key)),
    tlv(0xdf25, generatedPng(`name ${seed}`, 48, 8)),
    tlv(0xdf26, generatedPng(`address ${seed}`, 64, 12)),
    tlv(0xdf27, generatedPng(`photo ${seed}`, 24, 30)),
  ];
  return templateWithOffsets(0xff20, 0xdf21, [
    ...signed,
    tlv(0xdf28, apSignature(face.key, concatBytes(signed))),
    tlv(0xdf29, ascii.encode(ymd(face.cardExpiresOn))),
    tlv(0xdf2a, generatedPng(`security code ${face.securityCode} ${seed}`, 16, 8)),
  ]);
}

/** EF 0005 of the 券面AP: the My Number as an image, with key id and signature. */
export function myNumberImageEf(myNumber: string, key: KeyObject): Uint8Array {
  const image = tlv(0xdf41, generatedPng(`my number ${myNumber}`, 48, 8));
  return tlv(0xff40, concatBytes([image, tlv(0xdf42, apKeyId(key)), tlv(0xdf43, apSignature(key, image))]));
}

function ymd(date: string): string {
  const { year, month, day } = dateParts(isoDate(date));
  return `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}
