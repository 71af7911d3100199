import { describe, expect, it } from 'vitest';
import { nameLines } from './name-layout.js';

describe('name layouts', () => {
  it('split-honorific reproduces troubles T32: 渡辺 → 「～さま渡」「辺～さま」', () => {
    expect(nameLines('渡辺', 'split-honorific', 'さま')).toEqual(['～さま渡', '辺～さま']);
  });

  it('split-honorific cuts a full name in the middle, spaces removed', () => {
    expect(nameLines('渡辺　太郎', 'split-honorific', 'さま')).toEqual(['～さま渡辺', '太郎～さま']);
    expect(nameLines('林　一', 'split-honorific', 'さま')).toEqual(['～さま林', '一～さま']);
  });

  it('one-line', () => {
    expect(nameLines('渡辺　太郎', 'one-line', '様')).toEqual(['渡辺　太郎　様']);
  });

  it('two-line puts the given name with the honorific on the second line', () => {
    expect(nameLines('渡辺　太郎', 'two-line', '様')).toEqual(['渡辺', '太郎　様']);
    expect(nameLines('渡辺', 'two-line', '様')).toEqual(['渡辺　様']);
  });

  it('an empty name gives no lines', () => {
    expect(nameLines('  ', 'one-line', 'さま')).toEqual([]);
  });
});
