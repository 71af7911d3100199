import { describe, expect, it } from 'vitest';
import { faceEmbedding } from './face-model.js';
import { initialState, screenOf, step, type ReaderConfig, type ReaderEvent, type ReaderState } from './machine.js';
import { readerProfile } from './profiles/index.js';

// Face capture: F11 capture timeout, the one-shot face-fail-next fault, the capture problems of
// F8 (sleeve, too close, backlight, mask, no face) and the fallback after failures (F9).
const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

const run = (state: ReaderState, ...events: ReaderEvent[]): ReaderState => events.reduce((s, e) => step(s, e).state, state);

function faceCapture(config: Partial<ReaderConfig> = {}, pinTriesLeft = 3, pinless = false): ReaderState {
  return run(
    initialState({ readerId: 'r1', ...config }),
    { type: 'link.up' },
    { type: 'card.placed', sessionId: 's1' },
    { type: 'card.read-ok', certificate: CERT, pinTriesLeft, holderFace: faceEmbedding('taro'), ...(pinless ? { pinless: true } : {}) },
    { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 },
    { type: 'choose.face' },
  );
}

const taro: ReaderEvent = { type: 'face.presented', persona: 'taro' };
const hanako: ReaderEvent = { type: 'face.presented', persona: 'hanako' };
const timeout: ReaderEvent = { type: 'face.capture-timeout' };
const faceFailed = (message?: string) => ({ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'face-failed', ...(message ? { message } : {}) } });
const inject = (reason: string, count?: number): ReaderEvent =>
  ({ type: 'fault.inject', fault: { kind: 'face-fail-next', reason, count: count ?? 1 } }) as ReaderEvent;

describe('capture timeout (F11)', () => {
  it('face.capture-timeout counts a face failure: retry screen, face-failed notice naming the timeout', () => {
    const r = step(faceCapture(), timeout);
    expect(r.effects).toEqual([faceFailed('capture timeout')]);
    expect(screenOf(r.state)).toEqual({
      screen: 'face-capture',
      message: '顔を確認できませんでした。もう一度カメラの正面に顔を向けてください',
      lines: ['顔を確認できませんでした。もう一度カメラの正面に顔を向けてください'],
    });
    expect(r.state.session?.faceFailures).toBe(1);
  });

  it('a capture timeout is not a mismatch: the face-lock counter stays untouched', () => {
    expect(run(faceCapture(), timeout, timeout).faceMismatches).toEqual({});
  });

  it('three timeouts → auth-select, offering the PIN', () => {
    const s = run(faceCapture(), timeout, timeout, timeout);
    expect(screenOf(s)).toMatchObject({ screen: 'auth-select', message: '顔認証ができませんでした。暗証番号を選ぶか、受付にお声がけください', pinAvailable: true });
  });

  it('ticks: a first tick starts the timer, 29.999 s later nothing, 30 s later a counted failure', () => {
    const s = run(faceCapture(), { type: 'tick', now: 5_000 });
    const early = step(s, { type: 'tick', now: 34_999 });
    expect(early.state).toBe(s);
    const r = step(s, { type: 'tick', now: 35_000 });
    expect(r.effects).toEqual([faceFailed('capture timeout')]);
    expect(r.state.session?.faceFailures).toBe(1);
    expect(r.state.screen).toBe('face-capture');
  });

  it('the timer restarts after each timeout: the next failure needs another 30 s', () => {
    const s = run(faceCapture(), { type: 'tick', now: 0 }, { type: 'tick', now: 30_000 }, { type: 'tick', now: 30_001 });
    expect(s.session?.faceFailures).toBe(1);
    expect(step(s, { type: 'tick', now: 60_000 }).state.session?.faceFailures).toBe(1);
    expect(step(s, { type: 'tick', now: 60_001 }).state.session?.faceFailures).toBe(2);
  });

  it('faceCaptureTimeoutS 0 never times out', () => {
    const s = run(faceCapture({ faceCaptureTimeoutS: 0 }), { type: 'tick', now: 0 }, { type: 'tick', now: 10_000_000 });
    expect(s.screen).toBe('face-capture');
    expect(s.session?.faceFailures).toBe(0);
  });

  it('a configured 5 s capture timeout', () => {
    const s = run(faceCapture({ faceCaptureTimeoutS: 5 }), { type: 'tick', now: 0 }, { type: 'tick', now: 5_000 });
    expect(s.session?.faceFailures).toBe(1);
  });

  it('a capture timeout outside face-capture is ignored', () => {
    const s = run(faceCapture(), { type: 'card.removed' });
    expect(step(s, timeout).state).toBe(s);
  });
});

describe('capture problems (F8), each a guidance with its text, never counted', () => {
  const cases = [
    ['in-sleeve', 'カードをケースから出して置き直してください'],
    ['too-close', 'カメラに近すぎます。少し離れてください'],
    ['backlight', '逆光または外の光が強すぎます。光を背にしないでください'],
    ['no-face', '顔が見つかりません。カメラの正面に立ってください'],
  ] as const;
  for (const [quality, text] of cases) {
    it(`${quality}, then the holder's good frame matches`, () => {
      const s = run(faceCapture(), { type: 'face.presented', persona: 'taro', quality });
      expect(screenOf(s)).toMatchObject({ screen: 'face-capture', message: text, faceGuidance: quality });
      expect(s.session?.faceFailures).toBe(0);
      expect(step(s, taro).effects[0]).toMatchObject({ type: 'face.attest', method: 'face' });
    });
  }

  it('mask on a maker with the mask prompt: asked to take the mask off', () => {
    const profile = { ...readerProfile('generic'), quirks: { ...readerProfile('generic').quirks, maskPrompt: true } };
    const s = run(faceCapture({ profile }), { type: 'face.presented', persona: 'taro', quality: 'mask' });
    expect(screenOf(s)).toMatchObject({ screen: 'face-capture', message: 'マスクを外してカメラに顔を向けてください', faceGuidance: 'mask' });
  });

  it('mask on a maker without the prompt: matched through the mask', () => {
    const r = step(faceCapture(), { type: 'face.presented', persona: 'taro', quality: 'mask' });
    expect(r.effects[0]).toMatchObject({ type: 'face.attest', method: 'face', score: 1 });
  });

  it('mask on a maker without the prompt: a stranger in a mask still does not match', () => {
    const r = step(faceCapture(), { type: 'face.presented', persona: 'hanako', quality: 'mask' });
    expect(r.effects).toEqual([faceFailed()]);
  });
});

describe('face-fail-next (one-shot capture fault)', () => {
  it('reason backlight: the holder gets backlight guidance once, then matches', () => {
    const s = run(faceCapture(), inject('backlight'), taro);
    expect(screenOf(s)).toMatchObject({ message: '逆光または外の光が強すぎます。光を背にしないでください', faceGuidance: 'backlight' });
    expect(s.faults.faceFailNext).toBeNull();
    expect(step(s, taro).effects[0]).toMatchObject({ type: 'face.attest' });
  });

  it('reason mismatch ×2: the holder fails twice (counted, mismatches 2), matches the third time', () => {
    const s = run(faceCapture(), inject('mismatch', 2), taro, taro);
    expect(s.session?.faceFailures).toBe(2);
    expect(Object.values(s.faceMismatches)).toEqual([2]);
    expect(s.screen).toBe('face-capture');
    expect(step(s, taro).effects[0]).toMatchObject({ type: 'face.attest', score: 1 });
  });

  it('reason timeout: the next frame counts as a capture timeout', () => {
    const r = step(run(faceCapture(), inject('timeout')), taro);
    expect(r.effects).toEqual([faceFailed('capture timeout')]);
  });

  it('reason in-sleeve, armed before the card was placed, hits the first frame', () => {
    const armed = run(initialState({ readerId: 'r1' }), { type: 'link.up' }, inject('in-sleeve'));
    const s = run(
      armed,
      { type: 'card.placed', sessionId: 's1' },
      { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3, holderFace: faceEmbedding('taro') },
      { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 },
      { type: 'choose.face' },
      taro,
    );
    expect(screenOf(s)).toMatchObject({ message: 'カードをケースから出して置き直してください', faceGuidance: 'in-sleeve' });
  });

  it('a reboot disarms it', () => {
    const s = run(initialState({ readerId: 'r1' }), { type: 'link.up' }, inject('mismatch', 5), { type: 'reboot' });
    expect(s.faults.faceFailNext).toBeNull();
  });

  it('the fault is validated: an unknown reason is refused', async () => {
    const { parseReaderFault } = await import('./faults.js');
    expect(() => parseReaderFault({ kind: 'face-fail-next', reason: 'sunglasses' })).toThrow(/reason/);
    expect(parseReaderFault({ kind: 'face-fail-next', reason: 'no-face' })).toEqual({ kind: 'face-fail-next', reason: 'no-face', count: 1 });
  });
});

describe('fallback after face failures (F9)', () => {
  it('a card whose PIN is locked: after 3 failures the reader sends the patient to the counter, not the PIN', () => {
    const s = run(faceCapture({}, 0), hanako, hanako, hanako);
    expect(screenOf(s)).toMatchObject({ screen: 'auth-select', message: '顔認証ができませんでした。受付にお声がけください', pinAvailable: false });
  });

  it('a PIN-less card: the same counter message', () => {
    const s = run(faceCapture({}, 0, true), hanako, hanako, hanako);
    expect(screenOf(s).message).toBe('顔認証ができませんでした。受付にお声がけください');
  });

  it('after the fallback the PIN path works', () => {
    const s = run(faceCapture(), hanako, hanako, hanako, { type: 'choose.pin' });
    expect(s.screen).toBe('pin-entry');
  });

  it("face_fail_next = auth-select: one failure goes back to the method choice", () => {
    const s = run(faceCapture({ faceFailNext: 'auth-select' }), hanako);
    expect(screenOf(s)).toMatchObject({ screen: 'auth-select', message: '顔認証ができませんでした。暗証番号を選ぶか、受付にお声がけください' });
  });

  it('face_fail_next = restart: one failure ends on error E-face; card removal → idle', () => {
    const r = step(faceCapture({ faceFailNext: 'restart' }), hanako);
    expect(r.effects).toEqual([faceFailed()]);
    expect(screenOf(r.state)).toMatchObject({ screen: 'error', errorCode: 'E-face', message: 'E-face 顔認証ができませんでした。カードを置き直してください' });
    expect(step(r.state, { type: 'card.removed' }).state.screen).toBe('idle');
  });

  it('choosing face again after the fallback starts a fresh count', () => {
    const s = run(faceCapture(), hanako, hanako, hanako, { type: 'choose.face' }, hanako);
    expect(s.screen).toBe('face-capture');
    expect(s.session?.faceFailures).toBe(1);
  });
});
