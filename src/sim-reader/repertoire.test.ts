import { describe, expect, it } from 'vitest';
import { displayName, inJisX0208 } from './repertoire.js';

describe('JIS X 0208 repertoire (EUC-JP round trip + row check)', () => {
  it.each([
    ['高', true],
    ['渡', true],
    ['辺', true],
    ['熙', true], // row 84, added in 1990
    ['ア', true],
    ['ー', true],
    ['A', true],
    ['髙', false], // IBM extension (EUC FC E2 in iconv-lite), not JIS X 0208
    ['﨑', false], // IBM extension (F9 F5)
    ['①', false], // NEC row 13
    ['𠮷', false], // outside the BMP, not mappable
    ['ｱ', false], // half-width kana: JIS X 0201, not 0208
  ])('%s → %s', (ch, expected) => {
    expect(inJisX0208(ch)).toBe(expected);
  });

  it('shows characters outside JIS X 0208 as ● and keeps the ideographic space', () => {
    expect(displayName('𠮷田　髙子', 'jis0208')).toBe('●田　●子');
    expect(displayName('高橋　太郎', 'jis0208')).toBe('高橋　太郎');
  });

  it('a Unicode screen shows the name as it is', () => {
    expect(displayName('𠮷田　髙子', 'unicode')).toBe('𠮷田　髙子');
  });
});
