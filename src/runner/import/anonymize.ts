import type { Rng } from '../../domain/rng.js';
import { BLACK_CIRCLE, isCp932Encodable } from '../../protocol/oqs-xml.js';

/**
 * Personal data out, shape in: a name from a clinic's file becomes a generated one of the same
 * length, character by character of the same class (kanji → kanji, カナ → カナ, ｶﾅ → ｶﾅ, latin →
 * latin), so that display widths, field lengths and encodings behave as in the field. Kept as
 * they are: ● (a character the insurer or the encoding could not carry), 外字 (characters
 * outside CP932 — the very thing a field bug is often about), spaces, and marks such as ー ﾞ ﾟ.
 */

// Common, JIS X 0208 level-1 characters only, so a replacement never becomes a 外字 by chance.
const KANJI = [...'山田川中本小林高橋佐藤伊渡辺加木村松井上野石原森清水池口太郎一二三花子美和恵健正明弘幸雄大介直樹真由香里奈'];
const HIRAGANA = [...'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ'];
const KATAKANA = [...'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ'];
const HALF_KANA = [...'ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜ'];
const UPPER = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const LOWER = [...'abcdefghijklmnopqrstuvwxyz'];
const FULL_UPPER = [...'ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ'];
const DIGITS = [...'0123456789'];

export type CharClass = 'kanji' | 'hiragana' | 'katakana' | 'half-kana' | 'latin-upper' | 'latin-lower' | 'latin-full' | 'digit' | 'gaiji' | 'kept';

export function charClass(ch: string): CharClass {
  if (ch === BLACK_CIRCLE) return 'kept';
  if (!isCp932Encodable(ch)) return 'gaiji';
  if (/^[\u3041-\u3093]$/.test(ch)) return 'hiragana';
  if (/^[\u30a1-\u30f6]$/.test(ch)) return 'katakana';
  if (/^[\uff66-\uff9d]$/.test(ch)) return 'half-kana';
  if (/^[A-Z]$/.test(ch)) return 'latin-upper';
  if (/^[a-z]$/.test(ch)) return 'latin-lower';
  if (/^[\uff21-\uff3a\uff41-\uff5a]$/.test(ch)) return 'latin-full';
  if (/^[0-9]$/.test(ch)) return 'digit';
  if (/^\p{Script=Han}$/u.test(ch)) return 'kanji';
  return 'kept';
}

const POOLS: Partial<Record<CharClass, string[]>> = {
  kanji: KANJI,
  hiragana: HIRAGANA,
  katakana: KATAKANA,
  'half-kana': HALF_KANA,
  'latin-upper': UPPER,
  'latin-lower': LOWER,
  'latin-full': FULL_UPPER,
  digit: DIGITS,
};

/** Same length in code points, same class at each position; ●, 外字 and separators kept. */
export function anonymizeText(text: string, rng: Rng): string {
  return [...text]
    .map((ch) => {
      const pool = POOLS[charClass(ch)];
      return pool ? rng.pick(pool) : ch;
    })
    .join('');
}

/** Digits replaced, everything else (hyphens, letters of a 記号) kept: for insured numbers. */
export function anonymizeDigits(text: string, rng: Rng): string {
  return text.replace(/[0-9]/g, () => String(rng.int(0, 9)));
}

/**
 * A birth date kept close enough to reproduce age rules (copay ratio at 70 and 75, 未就学 on
 * 1 April): same year and month, the 1st and the 2nd kept (they decide which month a birthday
 * counts in), any other day moved to another day of the month from the 3rd to the 28th.
 */
export function anonymizeBirthDate(iso: string, rng: Rng): string {
  const [y, m, d] = iso.split('-');
  if (d === '01' || d === '02') return iso;
  return `${y}-${m}-${String(rng.int(3, 28)).padStart(2, '0')}`;
}
