import { describe, expect, it } from 'vitest';
import { VirtualClock, jstDate, jstStartOfDay, jstTimestamp } from './clock.js';
import { addMonths, fromYmd, isIsoDate, toYmd } from './dates.js';

describe('virtual clock and JST calendar', () => {
  it('reads JST dates and OQS timestamps from an instant', () => {
    const clock = new VirtualClock('2025-03-31T23:30:00+09:00');
    expect(jstDate(clock.now())).toBe('2025-03-31');
    expect(jstTimestamp(clock.now())).toBe('20250331233000');
    clock.advance(60 * 60_000);
    expect(jstDate(clock.now())).toBe('2025-04-01');
    expect(jstTimestamp(clock.now())).toBe('20250401003000');
    expect(jstStartOfDay(fromYmd('20250401'))).toBe(Date.parse('2025-03-31T15:00:00Z'));
  });

  it('refuses to run backwards or from nonsense', () => {
    expect(() => new VirtualClock('not a date')).toThrow('VirtualClock: not a time: not a date');
    expect(() => new VirtualClock(0).advance(-1)).toThrow('VirtualClock.advance: ms must be ≥ 0, received -1');
  });

  it('date helpers: month arithmetic clamps to the month end; validation rejects 30 February', () => {
    expect(addMonths(fromYmd('20250531'), 3)).toBe('2025-08-31');
    expect(addMonths(fromYmd('20251130'), 3)).toBe('2026-02-28');
    expect(addMonths(fromYmd('20240229'), 12)).toBe('2025-02-28');
    expect(isIsoDate('2025-02-30')).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(toYmd(fromYmd('20250401'))).toBe('20250401');
  });
});
