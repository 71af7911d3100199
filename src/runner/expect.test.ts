import { describe, expect, it } from 'vitest';
import { checkExpectation, checkMatcher } from './expect.js';

describe('expectation matchers', () => {
  it('compares scalars strictly', () => {
    expect(checkMatcher(30, 30)).toBeUndefined();
    expect(checkMatcher('30', 30)).toBe('expected 30, got "30"');
    expect(checkMatcher(undefined, 'accepted')).toBe('expected "accepted", got (absent)');
  });

  it('supports not, absent, includes and excludes', () => {
    expect(checkMatcher(30, { not: 100 })).toBeUndefined();
    expect(checkMatcher(100, { not: 100 })).toBe('expected anything but 100');
    expect(checkMatcher(undefined, { absent: true })).toBeUndefined();
    expect(checkMatcher(10, { absent: true })).toBe('expected absent, got 10');
    expect(checkMatcher(['a', 'b'], { includes: ['a'], excludes: ['c'] })).toBeUndefined();
    expect(checkMatcher(['a'], { includes: ['a', 'b'] })).toBe('expected to include ["b"], got ["a"]');
    expect(checkMatcher(['a', 'c'], { excludes: ['c'] })).toBe('expected not to include ["c"], got ["a","c"]');
    expect(checkMatcher(undefined, { includes: ['a'] })).toBe('expected to include ["a"], got (absent)');
  });

  it('compares arrays exactly when given an array', () => {
    expect(checkMatcher(['a', 'b'], ['a', 'b'])).toBeUndefined();
    expect(checkMatcher(['b', 'a'], ['a', 'b'])).toBe('expected ["a","b"], got ["b","a"]');
  });

  it('names the failing field and the step', () => {
    const failures = checkExpectation(
      { outcome: { status: 'accepted', copayRatio: 30 }, reader: { screen: 'done' } },
      { outcome: { status: 'accepted', copayRatio: 100 }, reader: { screen: 'error' } },
      4,
    );
    expect(failures).toEqual([
      { path: 'outcome.copayRatio', expected: 30, actual: 100, message: 'outcome.copayRatio: expected 30, got 100', step: 4 },
      { path: 'reader.screen', expected: 'done', actual: 'error', message: 'reader.screen: expected "done", got "error"', step: 4 },
    ]);
  });

  it('fails every expectation when the reception has decided nothing', () => {
    const failures = checkExpectation({ outcome: { status: 'accepted' } }, { outcome: undefined, reader: undefined }, -1);
    expect(failures.map((f) => f.message)).toEqual(['outcome.status: expected "accepted", got (absent)']);
  });

  it('checks batch validity patient by patient and the medical-info decision', () => {
    const failures = checkExpectation(
      { batch: { state: 'done', validity: { hanako: '1', jiro: '2' }, flagged: ['jiro'] }, medicalInfo: { shown: false, reason: 'no-consent' } },
      { outcome: undefined, reader: undefined, batch: { state: 'done', validity: { hanako: '1' }, flagged: [] }, medicalInfo: { shown: true } },
      -1,
    );
    expect(failures.map((f) => f.message)).toEqual([
      'batch.validity.jiro: expected "2", got (absent)',
      'batch.flagged: expected ["jiro"], got []',
      'medicalInfo.shown: expected false, got true',
      'medicalInfo.reason: expected "no-consent", got (absent)',
    ]);
  });

  it("checks homeVisit against the back office's decision on a home-consented qualification", () => {
    const observed = { outcome: undefined, reader: undefined, homeVisit: { patient: 'tome', status: 'accepted', copayRatio: 30 } };
    expect(checkExpectation({ homeVisit: { patient: 'tome', status: 'accepted' } }, observed, 5)).toEqual([]);
    expect(checkExpectation({ homeVisit: { copayRatio: 10 } }, observed, 5)).toEqual([
      { path: 'homeVisit.copayRatio', expected: 10, actual: 30, message: 'homeVisit.copayRatio: expected 10, got 30', step: 5 },
    ]);
    expect(checkExpectation({ homeVisit: { status: 'accepted' } }, { outcome: undefined, reader: undefined }, -1)[0]?.message).toBe('homeVisit.status: expected "accepted", got (absent)');
  });

  it('checks traffic.medicalInfoReleased against what central recorded', () => {
    const observed = { outcome: undefined, reader: undefined, traffic: { medicalInfoReleased: true } };
    expect(checkExpectation({ traffic: { medicalInfoReleased: true } }, observed, 4)).toEqual([]);
    expect(checkExpectation({ traffic: { medicalInfoReleased: false } }, observed, 4)).toEqual([
      { path: 'traffic.medicalInfoReleased', expected: false, actual: true, message: 'traffic.medicalInfoReleased: expected false, got true', step: 4 },
    ]);
    // Before any request-medical-info step nothing is known: the expectation fails, naming (absent).
    expect(checkExpectation({ traffic: { medicalInfoReleased: false } }, { outcome: undefined, reader: undefined, traffic: {} }, -1)[0]?.message).toBe(
      'traffic.medicalInfoReleased: expected false, got (absent)',
    );
  });
});
