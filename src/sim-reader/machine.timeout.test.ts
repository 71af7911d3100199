import { describe, expect, it } from 'vitest';
import { initialState, step, type ReaderConfig, type ReaderEvent, type ReaderState } from './machine.js';

// Reader-flow F22 / N41: a screen left unanswered for screen_timeout_s (default 60 s) ends the session.
const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const T0 = 1_743_467_400_000; // 2025-04-01T09:30:00+09:00

function run(state: ReaderState, ...events: ReaderEvent[]): ReaderState {
  return events.reduce((s, e) => step(s, e).state, state);
}

const authSelect = (config: Partial<ReaderConfig> = {}): ReaderState =>
  run(
    initialState({ readerId: 'r1', ...config }),
    { type: 'link.up' },
    { type: 'card.placed', sessionId: 's1' },
    { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 },
    { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 },
  );

const tick = (now: number): ReaderEvent => ({ type: 'tick', now });

describe('screen timeout (F22)', () => {
  it('60 s without an answer on auth-select → idle, session.ended timeout', () => {
    const started = run(authSelect(), tick(T0));
    const early = step(started, tick(T0 + 59_999));
    expect(early.state.screen).toBe('auth-select');
    expect(early.effects).toEqual([]);
    const r = step(started, tick(T0 + 60_000));
    expect(r.state.screen).toBe('idle');
    expect(r.state.session).toBeNull();
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'session.ended', sessionId: 's1', reason: 'timeout' } }]);
  });

  it('a patient action restarts the timer (new screen)', () => {
    const s = run(authSelect(), tick(T0), { type: 'choose.pin' }, tick(T0 + 50_000));
    expect(run(s, tick(T0 + 100_000)).screen).toBe('pin-entry');
    expect(run(s, tick(T0 + 110_000)).screen).toBe('idle');
  });

  it('the first tick only starts the timer, however late it comes', () => {
    expect(run(authSelect(), tick(T0 + 1_000_000)).screen).toBe('auth-select');
  });

  it('screen_timeout_s from the config (here 5 s); 0 never times out', () => {
    expect(run(authSelect({ screenTimeoutS: 5 }), tick(T0), tick(T0 + 5_000)).screen).toBe('idle');
    expect(run(authSelect({ screenTimeoutS: 0 }), tick(T0), tick(T0 + 3_600_000)).screen).toBe('auth-select');
  });

  it('not while waiting for the card or the terminal (reading, checking), nor on face-capture or done', () => {
    const reading = run(initialState({ readerId: 'r1' }), { type: 'link.up' }, { type: 'card.placed', sessionId: 's1' });
    expect(run(reading, tick(T0), tick(T0 + 600_000)).screen).toBe('reading');
    const face = run(authSelect(), { type: 'choose.face' });
    expect(run(face, tick(T0), tick(T0 + 600_000)).screen).toBe('face-capture');
  });

  it('an error screen times out back to idle without a message (N41)', () => {
    const error = run(initialState({ readerId: 'r1' }), { type: 'link.up' }, { type: 'card.placed', sessionId: 's1' }, { type: 'card.read-failed' });
    expect(error.screen).toBe('error');
    const r = step(run(error, tick(T0)), tick(T0 + 60_000));
    expect(r.state.screen).toBe('idle');
    expect(r.effects).toEqual([]);
  });

  it('a tick on idle changes nothing', () => {
    const idle = run(initialState({ readerId: 'r1' }), { type: 'link.up' });
    expect(step(idle, tick(T0)).state).toBe(idle);
  });
});
