import { describe, expect, it } from 'vitest';
import { initialState, screenOf, step, type ReaderEvent, type ReaderState } from './machine.js';

// Smartphone through the general-purpose reader (reader-flow P1–P3, N25–N29, F19, F20, F24).
const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const CERT_B64 = 'MIIAAqq7';
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const NONCE = Uint8Array.from(Array.from({ length: 32 }, (_, i) => i));
const SIG = Uint8Array.from([1, 2, 3]);

const run = (state: ReaderState, ...events: ReaderEvent[]): ReaderState => events.reduce((s, e) => step(s, e).state, state);
const idle = (phoneReader = true) => run(initialState({ readerId: 'r1', phoneReader }), { type: 'link.up' });
const challenge: ReaderEvent = { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 };
const osSelect = () => run(idle(), { type: 'choose.phone', sessionId: 's1' });
const androidPin = () => run(osSelect(), { type: 'choose.os', os: 'android' });
const androidTap = () => run(androidPin(), { type: 'pin.entered', pin: '5678' });
const androidRead = () => run(androidTap(), { type: 'phone.tapped' });
const androidChallenged = () => run(androidRead(), { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 }, challenge);
const iphoneTap = () => run(osSelect(), { type: 'choose.os', os: 'iphone' });
const iphoneChallenged = () => run(iphoneTap(), { type: 'phone.tapped' }, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 0 }, challenge);
const send = (message: Record<string, unknown>) => ({ type: 'send', message: { v: 1, sessionId: 's1', ...message } });

describe('choosing the smartphone (N25)', () => {
  it('idle + choose.phone → phone-os-select, a session without card work', () => {
    const r = step(idle(), { type: 'choose.phone', sessionId: 's1' });
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({
      screen: 'phone-os-select',
      message: 'お使いのスマートフォンを選んでください(iPhone / Android)',
      lines: ['お使いのスマートフォンを選んでください(iPhone / Android)'],
    });
    expect(r.state.session).toMatchObject({ sessionId: 's1', pending: null, announced: false });
  });

  it('ignored without a general-purpose reader, in 目視 mode, or with an empty session id', () => {
    const none = idle(false);
    expect(step(none, { type: 'choose.phone', sessionId: 's1' }).state).toBe(none);
    const visual = run(idle(), { v: 1, type: 'mode.set', mode: 'visual' });
    expect(step(visual, { type: 'choose.phone', sessionId: 's1' }).state).toBe(visual);
    const s = idle();
    expect(step(s, { type: 'choose.phone', sessionId: '' }).state).toBe(s);
  });

  it('a card placed on phone-os-select is ignored', () => {
    const s = osSelect();
    expect(step(s, { type: 'card.placed', sessionId: 's2' }).state).toBe(s);
  });

  it('cancel on phone-os-select → idle, nothing sent (the terminal never heard of it)', () => {
    const r = step(osSelect(), { type: 'cancel' });
    expect(r.state.screen).toBe('idle');
    expect(r.effects).toEqual([]);
  });
});

describe('Android (N26, N28, N29)', () => {
  it('choose.os android → phone-pin asking for the smartphone PIN', () => {
    expect(screenOf(androidPin())).toEqual({ screen: 'phone-pin', message: 'スマホ用電子証明書の暗証番号(4桁)を入力してください', lines: ['スマホ用電子証明書の暗証番号(4桁)を入力してください'] });
  });

  it('a PIN that is not 4 digits is refused on the screen', () => {
    const s = run(androidPin(), { type: 'pin.entered', pin: '12' });
    expect(screenOf(s)).toMatchObject({ screen: 'phone-pin', message: '暗証番号は4桁の数字で入力してください' });
  });

  it('4 digits → phone-wait-tap; the PIN is kept but never on the screen', () => {
    const s = androidTap();
    expect(screenOf(s)).toEqual({ screen: 'phone-wait-tap', message: 'スマートフォンを汎用カードリーダーにかざしてください', lines: ['スマートフォンを汎用カードリーダーにかざしてください'] });
    expect(JSON.stringify(screenOf(s))).not.toContain('5678');
  });

  it('phone.tapped → reading the phone: card.read for android', () => {
    const r = step(androidTap(), { type: 'phone.tapped' });
    expect(r.effects).toEqual([{ type: 'card.read', carrier: 'android' }]);
    expect(screenOf(r.state).message).toBe('スマートフォンを読み取っています。動かさないでください');
  });

  it('read ok → challenge.request; challenge → VERIFY with the smartphone PIN, which is then forgotten', () => {
    const read = step(androidRead(), { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 });
    expect(read.effects).toEqual([send({ type: 'challenge.request' })]);
    const r = step(read.state, challenge);
    expect(r.effects).toEqual([{ type: 'card.verify-and-sign', pin: '5678', nonce: NONCE }]);
    expect(r.state.session?.phonePin).toBeNull();
  });

  it('pin.ok → checking with auth.result method pin, carrier android', () => {
    const r = step(androidChallenged(), { type: 'pin.ok', signature: SIG });
    expect(r.state.screen).toBe('checking');
    expect(r.effects).toEqual([send({ type: 'auth.result', method: 'pin', certificate: CERT_B64, challengeId: 'c1', signature: 'AQID', carrier: 'android' })]);
  });

  it('then consent on the face-auth reader: verdict → consent-bulk → consent.result', () => {
    const s = run(androidChallenged(), { type: 'pin.ok', signature: SIG }, { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'k1' });
    expect(s.screen).toBe('consent-bulk');
    const r = step(s, { type: 'consent.agree-all' });
    expect(r.effects).toEqual([send({ type: 'consent.result', checkId: 'k1', consent: { diagnosis: true, pharmacy: true, checkup: true, operation: true }, bulk: true })]);
  });

  it('a wrong PIN → back to phone-pin with tries left and a phone-pin-wrong notice; the next PIN verifies at once', () => {
    const r = step(androidChallenged(), { type: 'pin.wrong', triesLeft: 2 });
    expect(r.effects).toEqual([send({ type: 'reader.notice', code: 'phone-pin-wrong', triesLeft: 2 })]);
    expect(screenOf(r.state)).toMatchObject({ screen: 'phone-pin', message: '暗証番号が違います。残り2回です', triesLeft: 2 });
    const again = step(r.state, { type: 'pin.entered', pin: '1111' });
    expect(again.effects).toEqual([{ type: 'card.verify-and-sign', pin: '1111', nonce: NONCE }]);
  });

  it('the third wrong PIN (F20) → E-phone-lock with a phone-pin-locked notice', () => {
    const r = step(androidChallenged(), { type: 'pin.locked' });
    expect(r.effects).toEqual([send({ type: 'reader.notice', code: 'phone-pin-locked', triesLeft: 0 })]);
    expect(screenOf(r.state)).toMatchObject({
      screen: 'error',
      errorCode: 'E-phone-lock',
      message: 'E-phone-lock スマホ用電子証明書の暗証番号がロックされています。マイナンバーカードをお使いください',
    });
  });

  it('a phone whose PIN was already locked: E-phone-lock when the challenge comes, no VERIFY', () => {
    const r = step(run(androidRead(), { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 0 }), challenge);
    expect(r.effects).toEqual([send({ type: 'reader.notice', code: 'phone-pin-locked', triesLeft: 0 })]);
    expect(r.state.errorCode).toBe('E-phone-lock');
  });

  it('the phone cannot be read (F19) → E-phone with a phone-read-failed notice naming the reason', () => {
    const r = step(androidRead(), { type: 'card.read-failed', reason: 'not a phone' });
    expect(r.effects).toEqual([send({ type: 'reader.notice', code: 'phone-read-failed', message: 'not a phone' })]);
    expect(screenOf(r.state)).toMatchObject({ screen: 'error', errorCode: 'E-phone', message: 'E-phone スマートフォンを読み取れませんでした。マイナンバーカードをお使いください' });
  });

  it('unregistered card behind the phone: no registration offer, E-notreg (F24)', () => {
    const r = step(run(androidChallenged(), { type: 'pin.ok', signature: SIG }), { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'k1', registered: false });
    expect(r.state.screen).toBe('error');
    expect(r.state.errorCode).toBe('E-notreg');
    expect(r.effects).toEqual([send({ type: 'reader.notice', code: 'not-registered' })]);
  });

  it('no face or 目視 path: choose.face is ignored anywhere in the phone flow', () => {
    for (const s of [osSelect(), androidPin(), androidTap(), androidChallenged()]) expect(step(s, { type: 'choose.face' }).state).toBe(s);
  });
});

describe('iPhone (N27, N29)', () => {
  it('choose.os iphone → phone-wait-tap with the biometric instructions', () => {
    expect(screenOf(iphoneTap()).message).toBe('iPhoneでマイナンバーカードを表示し、Face ID / Touch IDで認証してから汎用カードリーダーにかざしてください');
  });

  it('a PIN typed on the iPhone screen is ignored', () => {
    const s = iphoneTap();
    expect(step(s, { type: 'pin.entered', pin: '1234' }).state).toBe(s);
  });

  it('phone.tapped → card.read for iphone; challenge → phone.unlock-and-sign (no PIN)', () => {
    expect(step(iphoneTap(), { type: 'phone.tapped' }).effects).toEqual([{ type: 'card.read', carrier: 'iphone' }]);
    const r = step(run(iphoneTap(), { type: 'phone.tapped' }, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 0 }), challenge);
    expect(r.effects).toEqual([{ type: 'phone.unlock-and-sign', nonce: NONCE }]);
  });

  it('signed → auth.result method pin, carrier iphone', () => {
    const r = step(iphoneChallenged(), { type: 'pin.ok', signature: SIG });
    expect(r.effects).toEqual([send({ type: 'auth.result', method: 'pin', certificate: CERT_B64, challengeId: 'c1', signature: 'AQID', carrier: 'iphone' })]);
  });

  it('unlock refused → back to phone-wait-tap with a message; holding it again retries only the unlock', () => {
    const r = step(iphoneChallenged(), { type: 'phone.unlock-failed', reason: 'biometric unlock refused on the phone' });
    expect(r.effects).toEqual([send({ type: 'reader.notice', code: 'phone-read-failed', message: 'biometric unlock refused on the phone' })]);
    expect(screenOf(r.state)).toMatchObject({ screen: 'phone-wait-tap', message: 'iPhoneの認証ができませんでした。もう一度認証してからかざしてください' });
    const again = step(r.state, { type: 'phone.tapped' });
    expect(again.effects).toEqual([{ type: 'phone.unlock-and-sign', nonce: NONCE }]);
  });

  it('the sign failing after unlock → E-phone', () => {
    expect(step(iphoneChallenged(), { type: 'card.read-failed', reason: 'card answered 6982' }).state.errorCode).toBe('E-phone');
  });
});

describe('timeouts and removal in the phone flow', () => {
  it('phone-pin left unanswered for 60 s → idle; nothing sent before the phone was read', () => {
    const s = run(androidPin(), { type: 'tick', now: 0 });
    const r = step(s, { type: 'tick', now: 60_000 });
    expect(r.state.screen).toBe('idle');
    expect(r.effects).toEqual([]);
  });

  it('the phone taken away while it is read, after challenge.request → session.ended card-removed', () => {
    const s = run(androidRead(), { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 });
    expect(step(s, { type: 'card.removed' }).effects).toEqual([send({ type: 'session.ended', reason: 'card-removed' })]);
  });
});
