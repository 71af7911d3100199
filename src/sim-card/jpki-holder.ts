/**
 * The holder's basic four information (基本4情報) as the JPKI signature certificate carries it:
 * subjectAltName otherNames under the J-LIS arc 1.2.392.200149.8.5.5 — .1 name, .2 name
 * substitute-character information, .3 sex, .4 date of birth (era digit + Gregorian YYYYMMDD),
 * .5 address (the real-certificate dump in the project's research; .6, the address
 * substitute-character information, is left out).
 *
 * Every value is a UTF8String: a real-card inspection found the name wrapped in one, and we use
 * the same type for the other four (their real ASN.1 type is not public). Names outside
 * JIS X 0208 (髙, 﨑, 𠮷) are carried as they are in UTF-8.
 */
import { dateParts, isoDate, type IsoDate } from '../domain/index.js';
import { concatBytes } from './card-tlv.js';

export type HolderSex = '1' | '2' | '3';

export interface CardHolder {
  /** 氏名 as printed on the card, UTF-8 (any Unicode, also outside JIS X 0208). */
  name: string;
  /** YYYY-MM-DD (Gregorian). */
  birthDate: string;
  /** 1 male, 2 female, 3 unknown (the certificate's own code list). */
  sex: HolderSex;
  /** 住所 as on the card. */
  address: string;
  /**
   * 氏名代替文字の使用位置情報: which characters of the name were replaced on systems that cannot
   * show them. Its real layout is not public; default empty (no substitution).
   */
  nameSubstitutes?: string;
}

export const DEFAULT_CARD_HOLDER: CardHolder = {
  name: '試験 太郎',
  birthDate: '1980-04-01',
  sex: '1',
  address: '東京都千代田区霞が関一丁目一番一号（テスト専用）',
};

/** The J-LIS personal-data arc and its members (1.2.392.200149.8.5.5.x). */
export const JPKI_HOLDER_OID = {
  NAME: '1.2.392.200149.8.5.5.1',
  NAME_SUBSTITUTES: '1.2.392.200149.8.5.5.2',
  SEX: '1.2.392.200149.8.5.5.3',
  BIRTH_DATE: '1.2.392.200149.8.5.5.4',
  ADDRESS: '1.2.392.200149.8.5.5.5',
} as const;

/**
 * First day of each era, Gregorian. Meiji counts from 1868-01-25 (明治元年一月一日 in the old
 * calendar, to which the era was made retroactive); earlier dates get 0 (unknown).
 */
const ERAS: ReadonlyArray<{ digit: number; from: string }> = [
  { digit: 5, from: '2019-05-01' }, // 令和
  { digit: 4, from: '1989-01-08' }, // 平成
  { digit: 3, from: '1926-12-25' }, // 昭和
  { digit: 2, from: '1912-07-30' }, // 大正
  { digit: 1, from: '1868-01-25' }, // 明治
];

/** The era digit of a Gregorian date: 1 明治, 2 大正, 3 昭和, 4 平成, 5 令和, 0 before Meiji. */
export function eraDigit(date: IsoDate): number {
  return ERAS.find((era) => date >= era.from)?.digit ?? 0;
}

/** The certificate's date-of-birth string: era digit + YYYYMMDD, e.g. 1980-04-01 → "319800401". */
export function jpkiBirthDate(date: IsoDate): string {
  const { year, month, day } = dateParts(date);
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  return `${eraDigit(date)}${pad(year, 4)}${pad(month, 2)}${pad(day, 2)}`;
}

/** DER of the subjectAltName extension value: a GeneralNames of the five otherNames. */
export function holderSubjectAltNameDer(holder: CardHolder): Uint8Array {
  const birth = isoDate(holder.birthDate);
  const names = [
    otherName(JPKI_HOLDER_OID.NAME, holder.name),
    otherName(JPKI_HOLDER_OID.NAME_SUBSTITUTES, holder.nameSubstitutes ?? ''),
    otherName(JPKI_HOLDER_OID.SEX, holder.sex),
    otherName(JPKI_HOLDER_OID.BIRTH_DATE, jpkiBirthDate(birth)),
    otherName(JPKI_HOLDER_OID.ADDRESS, holder.address),
  ];
  return tlv(0x30, concatBytes(names));
}

// OtherName ::= [0] IMPLICIT SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY }
function otherName(oid: string, value: string): Uint8Array {
  const utf8 = tlv(0x0c, new TextEncoder().encode(value));
  return tlv(0xa0, concatBytes([objectIdentifier(oid), tlv(0xa0, utf8)]));
}

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concatBytes([Uint8Array.of(tag, ...length), content]);
}

function objectIdentifier(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const base128: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80);
    out.push(...base128);
  }
  return tlv(0x06, Uint8Array.from(out));
}
