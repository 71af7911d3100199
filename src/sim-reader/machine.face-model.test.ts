import { describe, expect, it } from 'vitest';
import { faceEmbedding } from './face-model.js';
import { initialState, screenOf, step, type ReaderConfig, type ReaderEvent, type ReaderState } from './machine.js';
import { readerProfile } from './profiles/index.js';

// Reader-flow F8 (guidance), N7 / F9 (match by threshold), F10 (the 10-failure face lock).
const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const SIG = Uint8Array.from([1, 2, 3]);

function run(state: ReaderState, ...events: ReaderEvent[]): ReaderState {
  return events.reduce((s, e) => step(s, e).state, state);
}

/** A session for the card of persona "taro", on the face-capture screen. */
function faceCapture(config: Partial<ReaderConfig> = {}, from?: ReaderState, sessionId = 's1'): ReaderState {
  const base = from ?? run(initialState({ readerId: 'r1', ...config }), { type: 'link.up' });
  return run(
    base,
    { type: 'card.placed', sessionId },
    { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3, holderFace: faceEmbedding('taro') },
    { v: 1, type: 'challenge', sessionId, challengeId: 'c1', nonce: NONCE_B64 },
    { type: 'choose.face' },
  );
}

const present = (persona: string, quality?: 'ok' | 'too-close' | 'backlight' | 'no-face' | 'occluded' | 'in-sleeve'): ReaderEvent => ({
  type: 'face.presented',
  persona,
  ...(quality !== undefined ? { quality } : {}),
});

describe('face quality guidance (F8)', () => {
  const cases = [
    ['too-close', 'カメラに近すぎます。少し離れてください'],
    ['backlight', '逆光または外の光が強すぎます。光を背にしないでください'],
    ['no-face', '顔が見つかりません。カメラの正面に立ってください'],
    ['occluded', '顔の一部が隠れています。帽子や前髪を確認してください'],
    ['in-sleeve', 'カードをケースから出して置き直してください'],
  ] as const;
  for (const [quality, text] of cases) {
    it(`${quality} → guidance on face-capture, no failure counted, nothing sent`, () => {
      const r = step(faceCapture(), present('taro', quality));
      expect(r.effects).toEqual([]);
      expect(screenOf(r.state)).toEqual({ screen: 'face-capture', message: text, lines: [text], faceGuidance: quality });
      expect(r.state.session?.faceFailures).toBe(0);
      expect(r.state.faceMismatches).toEqual({});
    });
  }

  it('a maker with the mask prompt asks to take off the mask for an occluded face', () => {
    const profile = { ...readerProfile('generic'), quirks: { ...readerProfile('generic').quirks, maskPrompt: true } };
    const r = step(faceCapture({ profile }), present('taro', 'occluded'));
    expect(screenOf(r.state).message).toBe('マスクを外してカメラに顔を向けてください');
  });

  it('guidance any number of times never leaves face-capture; a good frame then matches', () => {
    let s = faceCapture();
    for (let i = 0; i < 12; i++) s = run(s, present('taro', 'backlight'));
    expect(s.screen).toBe('face-capture');
    const r = step(s, present('taro', 'ok'));
    expect(r.effects).toEqual([{ type: 'face.attest', nonce: expect.any(Uint8Array) as Uint8Array, certificate: CERT, method: 'face', score: 1 }]);
    expect(screenOf(r.state).faceGuidance).toBeUndefined();
  });
});

describe('face match by embedding (N7, F9)', () => {
  it('the holder matches: face.attest with score 1 (same embedding)', () => {
    const r = step(faceCapture(), present('taro'));
    expect(r.effects).toHaveLength(1);
    expect(r.effects[0]).toMatchObject({ type: 'face.attest', method: 'face', score: 1 });
  });

  it('someone else does not: face-failed notice, retry message, one mismatch counted for the card', () => {
    const r = step(faceCapture(), present('hanako'));
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'face-failed' } }]);
    expect(screenOf(r.state).message).toBe('顔認証に失敗しました。もう一度カメラに顔を向けてください');
    expect(Object.values(r.state.faceMismatches)).toEqual([1]);
  });

  it('an embedding close to the holder matches, one below the threshold does not (threshold from the profile)', () => {
    const taro = faceEmbedding('taro');
    const near = taro.map((x, i) => (i === 0 ? x + 0.1 : x));
    expect(step(faceCapture(), { type: 'face.presented', embedding: near }).effects[0]).toMatchObject({ type: 'face.attest' });
    const strict = { ...readerProfile('generic'), quirks: { ...readerProfile('generic').quirks, faceMatchThreshold: 1 } };
    expect(step(faceCapture({ profile: strict }), { type: 'face.presented', embedding: near }).effects[0]).toMatchObject({ type: 'send' });
  });

  it('a card without a face never matches', () => {
    const s = run(
      initialState({ readerId: 'r1' }),
      { type: 'link.up' },
      { type: 'card.placed', sessionId: 's1' },
      { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 },
      { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 },
      { type: 'choose.face' },
    );
    expect(step(s, present('taro')).effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'face-failed' } }]);
  });

  it('the old {match, score} form still works', () => {
    const r = step(faceCapture(), { type: 'face.presented', match: true, score: 0.87 });
    expect(r.effects[0]).toMatchObject({ type: 'face.attest', score: 0.87 });
  });

  it('3 mismatches in a session → auth-select with the give-up text (F9 default)', () => {
    const s = run(faceCapture(), present('hanako'), present('hanako'), present('hanako'));
    expect(screenOf(s)).toMatchObject({ screen: 'auth-select', message: '顔認証ができませんでした。暗証番号を選ぶか、受付にお声がけください', faceAvailable: true });
  });
});

describe('face lock after 10 consecutive mismatches (F10)', () => {
  /** n mismatches over as many sessions as it takes (3 per session before auth-select). */
  function mismatches(n: number, config: Partial<ReaderConfig> = {}): ReaderState {
    let s = faceCapture(config);
    let session = 1;
    for (let i = 0; i < n; i++) {
      if (s.screen === 'auth-select') s = run(s, { type: 'choose.face' });
      s = run(s, present('hanako'));
      if (s.screen === 'error') break;
      if (i % 3 === 2 && i < n - 1) {
        // A new visit with the same card.
        session++;
        s = faceCapture(config, run(s, { type: 'card.removed' }), `s${session}`);
      }
    }
    return s;
  }

  it('the 10th consecutive mismatch → error E-facelock with face-failed and face-locked notices', () => {
    const nine = mismatches(9);
    // The 9th mismatch was the 3rd of its session: back on auth-select, face still offered.
    expect(screenOf(nine)).toMatchObject({ screen: 'auth-select', faceAvailable: true });
    const before = run(nine, { type: 'choose.face' });
    const sessionId = before.session?.sessionId ?? '';
    const r = step(before, present('hanako'));
    expect(r.effects).toEqual([
      { type: 'send', message: { v: 1, type: 'reader.notice', sessionId, code: 'face-failed' } },
      { type: 'send', message: { v: 1, type: 'reader.notice', sessionId, code: 'face-locked', message: '10 consecutive face mismatches' } },
    ]);
    expect(screenOf(r.state)).toMatchObject({
      screen: 'error',
      errorCode: 'E-facelock',
      message: 'E-facelock 顔認証がロックされました。暗証番号で本人確認するか、受付にお声がけください',
    });
  });

  it('afterwards the same card is refused face auth, PIN stays open (faceAvailable false)', () => {
    const locked = run(mismatches(10), { type: 'card.removed' });
    const s = run(
      locked,
      { type: 'card.placed', sessionId: 's9' },
      { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3, holderFace: faceEmbedding('taro') },
      { v: 1, type: 'challenge', sessionId: 's9', challengeId: 'c9', nonce: NONCE_B64 },
    );
    expect(screenOf(s)).toMatchObject({ screen: 'auth-select', faceAvailable: false, pinAvailable: true });
    const r = step(s, { type: 'choose.face' });
    expect(screenOf(r.state)).toMatchObject({ screen: 'auth-select', message: '顔認証がロックされています。暗証番号を選ぶか、受付にお声がけください' });
    expect(run(r.state, { type: 'choose.pin' }).screen).toBe('pin-entry');
  });

  it('a match before the 10th resets the count', () => {
    let s = mismatches(8);
    if (s.screen === 'auth-select') s = run(s, { type: 'choose.face' });
    s = run(s, present('taro'));
    expect(Object.values(s.faceMismatches)).toEqual([0]);
  });

  it('faceLockAfter 0 never locks', () => {
    const s = mismatches(15, { faceLockAfter: 0 });
    expect(s.screen).not.toBe('error');
  });

  it('another card is not affected by a locked card', () => {
    const other = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xcc, 0xdd]);
    const locked = run(mismatches(10), { type: 'card.removed' });
    const s = run(
      locked,
      { type: 'card.placed', sessionId: 's9' },
      { type: 'card.read-ok', certificate: other, pinTriesLeft: 3, holderFace: faceEmbedding('hanako') },
      { v: 1, type: 'challenge', sessionId: 's9', challengeId: 'c9', nonce: NONCE_B64 },
    );
    expect(screenOf(s).faceAvailable).toBe(true);
    expect(step(run(s, { type: 'choose.face' }), present('hanako')).effects[0]).toMatchObject({ type: 'face.attest' });
  });

  it('a PIN success does not reset the face count (only a match does)', () => {
    const s = mismatches(3);
    const pinned = run(s, { type: 'choose.pin' }, { type: 'pin.entered', pin: '1234' }, { type: 'pin.ok', signature: SIG });
    expect(pinned.screen).toBe('checking');
    expect(Object.values(pinned.faceMismatches)).toEqual([3]);
  });
});
