/**
 * File contents of the 券面事項入力補助AP (text AP, AID D3 92 10 00 31 00 01 01 04 08), as the
 * public client sources and one real-card trace show them (jpki-apdu.md §A.4 in the project's
 * research):
 * - EF 0001, My Number: `FF 10 0C` + the 12 digits in ASCII + `FF FF` — 17 bytes, what a real
 *   card returned to READ BINARY with Le = 00.
 * - EF 0002, basic four (基本4情報): `FF 20 <len>` wrapping `DF 21 08 <four 2-byte offsets>`,
 *   `DF 22 <name UTF-8>`, `DF 23 <address UTF-8>`, `DF 24 08 <birth>`, `DF 25 01 <sex>`.
 * - EF 0011, the 4-digit PIN (3 tries, its own counter).
 *
 * UNCONFIRMED, our choices (kept here): what the DF 21 offsets point at (we write the offset of
 * each of the DF 22–DF 25 TLVs from the start of the file, big-endian); the birth date as 8 ASCII
 * digits YYYYMMDD; the sex as one ASCII digit in ISO 5218 (1 male, 2 female, 9 not applicable —
 * the certificate's code 3 "unknown" becomes 9); BER lengths (81 xx / 82 xx xx) for long values;
 * no trailing padding after the basic four.
 */
import { isoDate, dateParts } from '../domain/index.js';
import type { CardHolder } from './jpki-holder.js';
import { templateWithOffsets, tlv } from './card-tlv.js';

export const TEXT_EF = {
  MY_NUMBER: 0x0001,
  BASIC_FOUR: 0x0002,
  /** FF 30 { DF 31, DF 32, DF 33 }: digests of 0001 / 0002 and their signature (see ap-data.ts). */
  DIGESTS: 0x0003,
  /** 7F 21 { 5F 4E, 5F 37 }: the AP's certificate. */
  CERTIFICATE: 0x0004,
  /** FF 40 { DF 41, DF 42 }: AP basic info. */
  AP_BASIC_INFO: 0x0005,
  PIN: 0x0011,
} as const;

export const TEXT_PIN_MAX_TRIES = 3;
/** 券面事項入力補助用暗証番号: exactly 4 digits. */
export const TEXT_PIN_FORMAT = /^[0-9]{4}$/;

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** EF 0001: `FF 10 0C <12 ASCII digits> FF FF`. */
export function myNumberEf(myNumber: string): Uint8Array {
  if (!/^[0-9]{12}$/.test(myNumber)) throw new RangeError('myNumberEf: the My Number must be 12 ASCII digits');
  return Uint8Array.from([0xff, 0x10, 0x0c, ...ascii(myNumber), 0xff, 0xff]);
}

/** EF 0002: the basic four in the FF 20 template (see the file comment for the guessed parts). */
export function basicFourEf(holder: CardHolder): Uint8Array {
  const { year, month, day } = dateParts(isoDate(holder.birthDate));
  const birth = `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
  const sex = holder.sex === '3' ? '9' : holder.sex;
  const utf8 = new TextEncoder();
  return templateWithOffsets(0xff20, 0xdf21, [
    tlv(0xdf22, utf8.encode(holder.name)),
    tlv(0xdf23, utf8.encode(holder.address)),
    tlv(0xdf24, Uint8Array.from(ascii(birth))),
    tlv(0xdf25, Uint8Array.from(ascii(sex))),
  ]);
}
