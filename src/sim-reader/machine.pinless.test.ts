/**
 * A PIN-less card (顔認証マイナンバーカード): the tries-left query answered 69 84, so the reader
 * offers face only (A1), refuses the PIN path (F7), sends no pin-locked notice (the card is not
 * locked), and 目視 works as for any card.
 */
import { describe, expect, it } from 'vitest';
import { initialState, screenOf, step, type ReaderEvent, type ReaderState } from './machine.js';
import { VENDOR_PROFILES } from './profiles/index.js';

const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const CERT_B64 = 'MIIAAqq7';
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const SIG = Uint8Array.from([1, 2, 3]);
const SIG_B64 = 'AQID';
const challenge: ReaderEvent = { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 };
// A PIN-less card: the runtime reports pinless with 0 tries (the count means nothing here).
const readPinless: ReaderEvent = { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 0, pinless: true };

const AUTH_SELECT_PINLESS = 'このカードは暗証番号のないカードです。顔認証で本人確認してください';
const PIN_NOT_SET = 'このカードには暗証番号が設定されていません。顔認証を選ぶか、受付にお声がけください';

function run(state: ReaderState, ...events: ReaderEvent[]): ReaderState {
  return events.reduce((s, e) => step(s, e).state, state);
}

const idle = () => run(initialState({ readerId: 'r1' }), { type: 'link.up' });
const reading = () => run(idle(), { type: 'card.placed', sessionId: 's1' });
const authSelect = () => run(reading(), readPinless, challenge);

describe('PIN-less card: reading', () => {
  it('card.read-ok pinless → challenge.request only, no pin-locked notice (the card is not locked)', () => {
    const r = step(reading(), readPinless);
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'challenge.request', sessionId: 's1' } }]);
    expect(r.state.session?.pinless).toBe(true);
  });

  it('a card with a locked PIN (0 tries, not pinless) still sends pin-locked — the two are told apart', () => {
    const r = step(reading(), { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 0 });
    expect(r.effects).toContainEqual({ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'pin-locked', triesLeft: 0 } });
  });

  it('pinless wins over a stray tries count: the PIN stays unavailable', () => {
    const s = run(reading(), { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3, pinless: true }, challenge);
    expect(screenOf(s)).toMatchObject({ screen: 'auth-select', pinAvailable: false, pinless: true, triesLeft: 0 });
  });
});

describe('PIN-less card: method choice (A1, F7)', () => {
  it('challenge → auth-select offering face only, with the PIN-less prompt and pinless: true', () => {
    expect(screenOf(authSelect())).toEqual({
      screen: 'auth-select',
      message: AUTH_SELECT_PINLESS,
      lines: [AUTH_SELECT_PINLESS],
      pinAvailable: false,
      pinless: true,
      faceAvailable: true,
      triesLeft: 0,
    });
  });

  it('choose.pin is refused with the no-PIN text (not the locked-PIN text), nothing sent', () => {
    const r = step(authSelect(), { type: 'choose.pin' });
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toMatchObject({ screen: 'auth-select', message: PIN_NOT_SET, pinAvailable: false, pinless: true });
    // Asked again: the same state object, no effect.
    const again = step(r.state, { type: 'choose.pin' });
    expect(again.state).toBe(r.state);
    expect(again.effects).toEqual([]);
  });

  it('pin.entered on auth-select does nothing (no VERIFY is ever sent to a PIN-less card)', () => {
    const s = authSelect();
    const r = step(s, { type: 'pin.entered', pin: '1234' });
    expect(r.state).toBe(s);
    expect(r.effects).toEqual([]);
  });

  it('a vendor profile without its own text uses the generic PIN-less prompt', () => {
    const s = run(initialState({ readerId: 'r1', profile: VENDOR_PROFILES['vendor-d']! }), { type: 'link.up' }, { type: 'card.placed', sessionId: 's1' }, readPinless, challenge);
    expect(screenOf(s).message).toBe(AUTH_SELECT_PINLESS);
  });
});

describe('PIN-less card: face and 目視 still work', () => {
  it('choose.face → face match → auth.result method face → accepted verdict → consent-bulk', () => {
    const refused = run(authSelect(), { type: 'choose.pin' });
    const capture = run(refused, { type: 'choose.face' });
    expect(capture.screen).toBe('face-capture');
    const matched = step(capture, { type: 'face.presented', match: true, score: 0.93 });
    expect(matched.effects).toEqual([{ type: 'face.attest', nonce: expect.any(Uint8Array), certificate: CERT, method: 'face', score: 0.93 }]);
    const attested = step(matched.state, { type: 'face.attested', signature: SIG, score: 0.93 });
    expect(attested.effects).toEqual([
      {
        type: 'send',
        message: {
          v: 1,
          type: 'auth.result',
          sessionId: 's1',
          method: 'face',
          certificate: CERT_B64,
          challengeId: 'c1',
          attestation: { readerId: 'r1', signature: SIG_B64, faceScore: 0.93 },
        },
      },
    ]);
    const verdict = step(attested.state, { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'k1' });
    expect(verdict.effects).toEqual([]);
    expect(verdict.state.screen).toBe('consent-bulk');
  });

  it('after repeated face failures the reader returns to auth-select, still without a PIN path', () => {
    const miss: ReaderEvent = { type: 'face.presented', match: false, score: 0.2 };
    const s = run(authSelect(), { type: 'choose.face' }, miss, miss, miss);
    expect(screenOf(s)).toMatchObject({ screen: 'auth-select', pinAvailable: false, pinless: true });
  });

  it('目視 mode: a PIN-less card passes by staff confirmation with method visual and no notice', () => {
    const visualIdle = run(idle(), { v: 1, type: 'mode.set', mode: 'visual' }, { v: 1, type: 'visual.confirmed' });
    const read = step(run(visualIdle, { type: 'card.placed', sessionId: 's1' }), readPinless);
    expect(read.effects).toEqual([{ type: 'send', message: { v: 1, type: 'challenge.request', sessionId: 's1' } }]);
    const challenged = step(read.state, challenge);
    expect(challenged.effects).toEqual([{ type: 'face.attest', nonce: expect.any(Uint8Array), certificate: CERT, method: 'visual', score: 0 }]);
  });
});
