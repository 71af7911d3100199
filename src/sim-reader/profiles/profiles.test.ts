import { describe, expect, it } from 'vitest';
import { CONSENT_ITEMS, initialState, screenOf, step, type ReaderEvent, type ReaderState } from '../machine.js';
import { GENERIC_PROFILE, PROFILE_IDS, VENDOR_PROFILES, loadProfile, readerProfile } from './index.js';
import { ReaderProfile } from './schema.js';

const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const run = (state: ReaderState, ...events: ReaderEvent[]): ReaderState => events.reduce((s, e) => step(s, e).state, state);

function doneWith(profileId: string, holderName: string): ReaderState {
  return run(
    initialState({ readerId: 'r1', profile: readerProfile(profileId) }),
    { type: 'link.up' },
    { type: 'card.placed', sessionId: 's1' },
    { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3, holderName },
    { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 },
    { type: 'choose.pin' },
    { type: 'pin.entered', pin: '1234' },
    { type: 'pin.ok', signature: Uint8Array.from([1]) },
    { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'k1' },
    { type: 'consent.agree-all' },
    { v: 1, type: 'session.completed', sessionId: 's1' },
  );
}

describe('vendor profiles as data', () => {
  it('five vendor profiles with neutral ids, plus generic', () => {
    expect(Object.keys(VENDOR_PROFILES)).toEqual(['vendor-a', 'vendor-b', 'vendor-c', 'vendor-d', 'vendor-e']);
    expect(PROFILE_IDS).toEqual(['generic', 'vendor-a', 'vendor-b', 'vendor-c', 'vendor-d', 'vendor-e']);
  });

  it('every profile is complete after loading: all screen texts, 001 and 006 error texts', () => {
    for (const id of PROFILE_IDS) {
      const p = readerProfile(id);
      expect(ReaderProfile.safeParse(p).success, id).toBe(true);
      expect(Object.keys(p.texts.consentItem), id).toEqual([...CONSENT_ITEMS]);
      expect(p.errorTexts['001']?.startsWith('001'), id).toBe(true);
      expect(p.errorTexts['006']?.startsWith('006'), id).toBe(true);
    }
  });

  it('texts a vendor leaves out come from the generic profile', () => {
    expect(readerProfile('vendor-c').texts.faceCapture).toBe('カメラに顔を向けてください');
    expect(readerProfile('vendor-c').texts.idle).toBe('カードを置いてください');
  });

  it('rejects a profile with an unknown field or a pinWrong text without {n}, naming it', () => {
    expect(() => loadProfile({ ...VENDOR_PROFILES['vendor-a'], colour: 'red' })).toThrow(/reader profile vendor-a/);
    expect(() => loadProfile({ ...VENDOR_PROFILES['vendor-a'], texts: { pinWrong: '違います' } })).toThrow(/texts\.pinWrong: pinWrong must contain \{n\}/);
  });

  it('an unknown id names the known ones', () => {
    expect(() => readerProfile('panasonic')).toThrow('unknown reader profile "panasonic": use one of generic, vendor-a, vendor-b, vendor-c, vendor-d, vendor-e');
  });

  it('the generic profile keeps the original texts', () => {
    expect(GENERIC_PROFILE.texts.idle).toBe('マイナンバーカードを置いてください');
  });
});

describe('screens per profile', () => {
  it('vendor-c splits 渡辺 across the honorific on the done screen (troubles T32)', () => {
    expect(screenOf(doneWith('vendor-c', '渡辺'))).toEqual({
      screen: 'done',
      message: '受付完了カードを取り出して、待合室でお待ちください',
      lines: ['～さま渡', '辺～さま', '受付完了', 'カードを取り出して、待合室でお待ちください'],
      name: '渡辺',
    });
  });

  it('vendor-a (JIS X 0208) shows 𠮷 and 髙 as ●', () => {
    const s = screenOf(doneWith('vendor-a', '𠮷田　髙子'));
    expect(s.name).toBe('●田　●子');
    expect(s.lines).toEqual(['●田　●子　さま', '受付が完了しました', 'カードをお取りください']);
  });

  it('vendor-b (Unicode, two lines, 様) shows the name intact', () => {
    expect(screenOf(doneWith('vendor-b', '𠮷田　髙子')).lines).toEqual(['𠮷田', '髙子　様', '受付が完了しました', 'カードを取り出して', '待合室でお待ちください']);
  });

  it('the name is not shown before identity verification', () => {
    const s = run(
      initialState({ readerId: 'r1', profile: readerProfile('vendor-a') }),
      { type: 'link.up' },
      { type: 'card.placed', sessionId: 's1' },
      { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3, holderName: '渡辺　太郎' },
      { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 },
    );
    expect(screenOf(s)).toEqual({
      screen: 'auth-select',
      message: '本人確認の方法を選択してください',
      lines: ['本人確認の方法を', '選択してください'],
      pinAvailable: true,
      faceAvailable: true,
      triesLeft: 3,
    });
  });

  it('vendor error texts replace the terminal message for known codes', () => {
    const s = run(
      initialState({ readerId: 'r1', profile: readerProfile('vendor-d') }),
      { type: 'link.up' },
      { type: 'card.placed', sessionId: 's1' },
      { type: 'card.read-failed', reason: 'x' },
    );
    expect(screenOf(s).lines).toEqual(['001 カードを正しく読み取れませんでした', 'ケースから出して置き直してください']);
  });

  it('a profile without a cancel button ignores cancel during a session (N42)', () => {
    const s = run(
      initialState({ readerId: 'r1', profile: readerProfile('vendor-e') }),
      { type: 'link.up' },
      { type: 'card.placed', sessionId: 's1' },
      { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 },
      { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 },
    );
    expect(step(s, { type: 'cancel' }).state).toBe(s);
    expect(run(s, { type: 'card.removed' }).screen).toBe('idle');
  });
});
