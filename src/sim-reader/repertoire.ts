/**
 * Which characters a reader's screen can draw. A reader limited to JIS X 0208 shows every other
 * character of a name as ● (troubles T30: 旧字・外字 such as 髙 arrive or display as ●).
 *
 * The test for JIS X 0208: encode the character as EUC-JP with iconv-lite, decode it back, and
 * require both that it round-trips (an unmapped character becomes '?') AND that it landed in a
 * JIS X 0208 row. The row check matters: iconv-lite's EUC-JP also maps the NEC row 13 (①, ㈱)
 * and the IBM extensions in rows 89–92 (髙 → FC E2, 﨑 → F9 F5), and JIS X 0212 via 8F xx xx,
 * none of which is JIS X 0208. JIS X 0208 rows: 1–8 (symbols, kana, Greek, Cyrillic, box
 * drawing; EUC lead bytes A1–A8) and 16–84 (kanji levels 1 and 2; lead bytes B0–F4).
 * Printable ASCII is also accepted (every reader draws it). Checked values: 高 B9E2 in,
 * 渡 C5CF in, 熙 F4A6 in (row 84), 髙 FCE2 out, 﨑 F9F5 out, ① ADA1 out, 𠮷 unmapped (out).
 */
import iconv from 'iconv-lite';
import type { Repertoire } from './profiles/schema.js';

export const MISSING_GLYPH = '●';

function inJisRow(lead: number): boolean {
  return (lead >= 0xa1 && lead <= 0xa8) || (lead >= 0xb0 && lead <= 0xf4);
}

const cache = new Map<string, boolean>();

/** Whether one character (one code point) is in JIS X 0208 or printable ASCII. */
export function inJisX0208(ch: string): boolean {
  const known = cache.get(ch);
  if (known !== undefined) return known;
  let result: boolean;
  const cp = ch.codePointAt(0) ?? 0;
  if ([...ch].length !== 1) {
    result = false;
  } else if (cp >= 0x20 && cp <= 0x7e) {
    result = true;
  } else {
    const bytes = iconv.encode(ch, 'euc-jp');
    result = bytes.length === 2 && inJisRow(bytes[0]!) && bytes[1]! >= 0xa1 && bytes[1]! <= 0xfe && iconv.decode(bytes, 'euc-jp') === ch;
  }
  cache.set(ch, result);
  return result;
}

/** The name as the screen draws it: characters outside the repertoire become ●. */
export function displayName(name: string, repertoire: Repertoire): string {
  if (repertoire === 'unicode') return name;
  return [...name].map((ch) => (ch === '\u3000' || inJisX0208(ch) ? ch : MISSING_GLYPH)).join('');
}
