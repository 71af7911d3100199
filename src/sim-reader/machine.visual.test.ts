/** 目視確認 mode (reader-flow §1.1, N10, N30, F17, F18) in the pure machine. */
import { describe, expect, it } from 'vitest';
import { initialState, screenOf, step, type ReaderEvent, type ReaderState } from './machine.js';

const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const CERT_B64 = 'MIIAAqq7';
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const NONCE = Uint8Array.from(Array.from({ length: 32 }, (_, i) => i));
const ATT = Uint8Array.from([7, 7, 7]);

const run = (state: ReaderState, ...events: ReaderEvent[]): ReaderState => events.reduce((s, e) => step(s, e).state, state);
const visualOn: ReaderEvent = { v: 1, type: 'mode.set', mode: 'visual' };
const autoOn: ReaderEvent = { v: 1, type: 'mode.set', mode: 'auto' };
const tick: ReaderEvent = { v: 1, type: 'visual.confirmed' };
const challenge: ReaderEvent = { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 };

const idle = () => run(initialState({ readerId: 'r1' }), { type: 'link.up' });
const idleVisual = () => run(idle(), visualOn);
const readVisual = (tries = 3, state = idleVisual()) =>
  run(state, { type: 'card.placed', sessionId: 's1' }, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: tries });

describe('switching to 目視確認 mode', () => {
  it('idle + mode.set visual → idle-visual asking for staff confirmation first', () => {
    const r = step(idle(), visualOn);
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({
      screen: 'idle-visual',
      message: '目視確認モードです。係員の確認後にマイナンバーカードを置いてください',
      lines: ['目視確認モードです。係員の確認後にマイナンバーカードを置いてください'],
    });
  });

  it('idle-visual + mode.set auto → idle (the mode is switched back by staff)', () => {
    expect(run(idleVisual(), autoOn).screen).toBe('idle');
  });

  it('the same mode again changes nothing (same state object)', () => {
    const s = idleVisual();
    expect(step(s, visualOn).state).toBe(s);
  });

  it('idle-visual + visual.confirmed → still idle-visual, text says the check is done', () => {
    const r = step(idleVisual(), tick);
    expect(r.effects).toEqual([]);
    expect(r.state.visualConfirmed).toBe(true);
    expect(screenOf(r.state).message).toBe('係員の確認が完了しました。マイナンバーカードを置いてください');
  });

  it('visual.confirmed in auto mode is ignored', () => {
    const s = idle();
    expect(step(s, tick).state).toBe(s);
  });
});

describe('a 目視 check: staff confirm first, then the card (N10)', () => {
  it('card read → challenge.request; no pin-locked notice even with a locked PIN', () => {
    const s = run(idleVisual(), tick, { type: 'card.placed', sessionId: 's1' });
    expect(s.screen).toBe('reading');
    const r = step(s, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 0 });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'challenge.request', sessionId: 's1' } }]);
  });

  it('challenge → checking with a visual attestation effect: no face, no PIN', () => {
    const s = readVisual(0, run(idleVisual(), tick));
    const r = step(s, challenge);
    expect(r.state.screen).toBe('checking');
    expect(r.effects).toEqual([{ type: 'face.attest', nonce: NONCE, certificate: CERT, method: 'visual', score: 0 }]);
  });

  it('face.attested → auth.result method visual with the reader attestation and no face score', () => {
    const s = run(readVisual(3, run(idleVisual(), tick)), challenge);
    const r = step(s, { type: 'face.attested', signature: ATT, score: 0 });
    expect(r.state.session?.awaiting).toBe('auth.verdict');
    expect(r.effects).toEqual([
      {
        type: 'send',
        message: {
          v: 1,
          type: 'auth.result',
          sessionId: 's1',
          method: 'visual',
          certificate: CERT_B64,
          challengeId: 'c1',
          attestation: { readerId: 'r1', signature: 'BwcH' },
        },
      },
    ]);
  });

  it('after the verdict the consent screens follow as usual (visual_mode_consent = reader)', () => {
    const s = run(readVisual(3, run(idleVisual(), tick)), challenge, { type: 'face.attested', signature: ATT, score: 0 });
    expect(run(s, { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'k1' }).screen).toBe('consent-bulk');
  });

  it('a tick arriving while the card is still being read is used when the challenge comes', () => {
    const s = run(idleVisual(), { type: 'card.placed', sessionId: 's1' }, tick, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 });
    expect(step(s, challenge).effects[0]).toMatchObject({ type: 'face.attest', method: 'visual' });
  });
});

describe('card first, staff later (F17 visual_card_first = wait; F18)', () => {
  it('challenge without a tick → visual-wait; nothing is sent', () => {
    const r = step(readVisual(), challenge);
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({
      screen: 'visual-wait',
      message: '係員が本人確認をしています。カードを置いたままお待ちください',
      lines: ['係員が本人確認をしています。カードを置いたままお待ちください'],
    });
  });

  it('visual-wait + visual.confirmed → the visual attestation', () => {
    const r = step(run(readVisual(), challenge), tick);
    expect(r.state.screen).toBe('checking');
    expect(r.effects).toEqual([{ type: 'face.attest', nonce: NONCE, certificate: CERT, method: 'visual', score: 0 }]);
  });

  it('patient actions do not move visual-wait: no face or PIN in 目視 mode', () => {
    const s = run(readVisual(), challenge);
    for (const e of [{ type: 'choose.pin' }, { type: 'choose.face' }, { type: 'pin.entered', pin: '1234' }] as ReaderEvent[]) {
      expect(step(s, e).state).toBe(s);
    }
  });

  it('the mode stays armed for the next patient, whose card waits again for a tick (F18)', () => {
    const first = run(readVisual(3, run(idleVisual(), tick)), challenge, { type: 'face.attested', signature: ATT, score: 0 });
    const finished = run(
      first,
      { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'k1' },
      { type: 'consent.agree-all' },
      { v: 1, type: 'session.completed', sessionId: 's1' },
    );
    expect(finished.screen).toBe('done');
    const next = run(finished, { type: 'card.removed' });
    expect(next.screen).toBe('idle-visual');
    expect(next.visualConfirmed).toBe(false);
    const second = run(next, { type: 'card.placed', sessionId: 's2' }, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 }, { ...challenge, sessionId: 's2' });
    expect(second.screen).toBe('visual-wait');
  });

  it('card removed in visual-wait → session.ended, back to idle-visual', () => {
    const r = step(run(readVisual(), challenge), { type: 'card.removed' });
    expect(r.state.screen).toBe('idle-visual');
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'session.ended', sessionId: 's1', reason: 'card-removed' } }]);
  });
});

describe('a mode set during a session applies when it ends (N30)', () => {
  it('mode.set visual on pin-entry: pin-entry stays, idle-visual after the card is removed', () => {
    const s = run(idle(), { type: 'card.placed', sessionId: 's1' }, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 }, challenge, { type: 'choose.pin' });
    const r = step(s, visualOn);
    expect(r.state.screen).toBe('pin-entry');
    expect(r.state.mode).toBe('auto');
    expect(r.state.pendingMode).toBe('visual');
    expect(run(r.state, { type: 'card.removed' })).toMatchObject({ screen: 'idle-visual', mode: 'visual', pendingMode: null });
  });

  it('switched back before the session ended: nothing pending', () => {
    const s = run(readVisual(), challenge, autoOn);
    expect(s.pendingMode).toBe('auto');
    expect(run(s, visualOn).pendingMode).toBeNull();
  });

  it('mode.set auto on the done screen of a 目視 check → idle after removal', () => {
    const s = run(readVisual(3, run(idleVisual(), tick)), challenge, { type: 'face.attested', signature: ATT, score: 0 });
    const done = run(s, { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'k1' }, { type: 'consent.agree-all' }, { v: 1, type: 'session.completed', sessionId: 's1' }, autoOn);
    expect(done.screen).toBe('done');
    expect(run(done, { type: 'card.removed' }).screen).toBe('idle');
  });
});

describe('PIN lock and face failures do not block 目視', () => {
  it('a card with a locked PIN is confirmed visually', () => {
    const s = run(readVisual(0), challenge, tick);
    expect(s.screen).toBe('checking');
    expect(s.session?.pending).toBe('face.attest');
  });

  it('after the PIN locked in auto mode, staff switch to 目視 and the next placement succeeds', () => {
    const locked = run(idle(), { type: 'card.placed', sessionId: 's1' }, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 1 }, challenge, { type: 'choose.pin' }, { type: 'pin.entered', pin: '0000' }, { type: 'pin.locked' });
    expect(locked.screen).toBe('auth-select');
    const visual = run(locked, visualOn, { type: 'card.removed' }, tick, { type: 'card.placed', sessionId: 's2' }, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 0 });
    expect(step(visual, { ...challenge, sessionId: 's2' }).effects[0]).toMatchObject({ type: 'face.attest', method: 'visual' });
  });
});
