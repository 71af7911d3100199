import { describe, expect, it } from 'vitest';
import { copayBand, type IsoDate } from '../../domain/index.js';
import { generatePopulation } from './population.js';
import { EligibilityStore } from './store.js';

const REF = '2025-04-01' as IsoDate;

describe('generatePopulation', () => {
  const pop = generatePopulation({ size: 20_000, seed: 11 });
  const records = Array.from({ length: pop.size }, (_, i) => pop.record(i));

  it('is deterministic for a seed and independent of the size', () => {
    const again = generatePopulation({ size: 500, seed: 11 });
    expect(again.record(123)).toEqual(pop.record(123));
    const other = generatePopulation({ size: 500, seed: 12 });
    const differing = Array.from({ length: 500 }, (_, i) => JSON.stringify(other.record(i)) !== JSON.stringify(pop.record(i))).filter(Boolean).length;
    expect(differing).toBeGreaterThan(400);
  });

  it('covers every copay band and every insurer kind; all 75+ are 後期', () => {
    const bands = new Set(records.map((r) => copayBand(r.person.birthDate, REF)));
    expect([...bands].sort()).toEqual(['elderly-70-74', 'late-elderly-75', 'preschool', 'working-age']);
    const kinds = new Set(records.map((r) => r.qualifications[0]!.insurerKind));
    expect([...kinds].sort()).toEqual(['koki', 'kokuho', 'kokuho-kumiai', 'kumiai', 'kyokai', 'kyosai']);
    for (const r of records) {
      if (copayBand(r.person.birthDate, REF) === 'late-elderly-75') expect(r.qualifications[0]!.insurerKind).toBe('koki');
      expect(r.qualifications[0]!.acquiredOn <= REF).toBe(true);
    }
  });

  it('puts 髙/﨑/𠮷 in about 5 % of the names', () => {
    const gaiji = records.filter((r) => /[髙﨑𠮷]/u.test(r.person.name)).length / records.length;
    expect(gaiji).toBeGreaterThan(0.04);
    expect(gaiji).toBeLessThan(0.06);
    for (const ch of ['髙', '﨑', '𠮷']) expect(records.some((r) => r.person.name.includes(ch))).toBe(true);
  });

  it('finds a person by id and by insurance card, through the store', () => {
    const store = new EligibilityStore();
    store.addSegment(pop);
    expect(store.size()).toBe(20_000);
    expect(store.get('G00000042')?.person.id).toBe('G00000042');
    expect(store.get('G00020000')).toBeUndefined();
    const card = pop.cardOf(42);
    expect(store.findByInsuredCard(card).map((m) => m.record.person.id)).toEqual(['G00000042']);
    expect(store.findByInsuredCard({ ...card, insurerNumber: '99999999' })).toEqual([]);
    store.setRegistered('G00000042', false);
    expect(store.get('G00000042')?.registered).toBe(false);
    expect(store.findByInsuredCard(card)[0]?.record.registered).toBe(false);
    expect(store.size()).toBe(20_000);
    expect(() => store.addPerson(pop.record(7).person, [])).toThrow(/already in the store/);
  });

  it('refuses a bad size', () => {
    expect(() => generatePopulation({ size: -1, seed: 1 })).toThrow(/size must be an integer/);
  });
});
