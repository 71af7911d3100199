import { describe, expect, it } from 'vitest';
import { createRng } from '../../domain/rng.js';
import { anonymizeBirthDate, anonymizeDigits, anonymizeText, charClass } from './anonymize.js';

const classes = (s: string): string[] => [...s].map(charClass);

describe('anonymizeText', () => {
  it('keeps length and the class of every character; changes the name', () => {
    const rng = createRng(1);
    for (const name of ['山田　太郎', 'ﾔﾏﾀﾞ ﾀﾛｳ', 'ヤマダ　タロウ', 'やまだ　たろう', 'SMITH　John', 'ＳＭＩＴＨ']) {
      const out = anonymizeText(name, rng);
      expect([...out]).toHaveLength([...name].length);
      expect(classes(out)).toEqual(classes(name));
      expect(out).not.toBe(name);
    }
  });

  it('keeps ●, 外字 (outside CP932), the ideographic space and ﾞ where they are', () => {
    const out = anonymizeText('●田　𠮷子', createRng(2));
    expect([...out][0]).toBe('●');
    expect([...out][2]).toBe('\u3000');
    expect([...out][3]).toBe('𠮷');
    expect(charClass([...out][1]!)).toBe('kanji');
    expect(anonymizeText('ﾀﾞ', createRng(3)).endsWith('ﾞ')).toBe(true);
  });

  it('classifies as written in the sources: 𠮷 is a 外字, 髙 is not (CP932 carries it)', () => {
    expect(charClass('𠮷')).toBe('gaiji');
    expect(charClass('髙')).toBe('kanji');
    expect(charClass('●')).toBe('kept');
    expect(charClass('ｱ')).toBe('half-kana');
  });

  it('is the same for the same seed', () => {
    expect(anonymizeText('佐藤　花子', createRng(9))).toBe(anonymizeText('佐藤　花子', createRng(9)));
  });
});

describe('anonymizeDigits and anonymizeBirthDate', () => {
  it('replaces digits only', () => {
    const out = anonymizeDigits('記号-1234', createRng(4));
    expect(out).toMatch(/^記号-\d{4}$/);
  });

  it('keeps year and month; keeps the 1st and 2nd; moves other days within 3–28', () => {
    expect(anonymizeBirthDate('1955-04-01', createRng(5))).toBe('1955-04-01');
    expect(anonymizeBirthDate('2019-04-02', createRng(5))).toBe('2019-04-02');
    const d = anonymizeBirthDate('1983-01-30', createRng(5));
    expect(d).toMatch(/^1983-01-(0[3-9]|1\d|2[0-8])$/);
  });
});
