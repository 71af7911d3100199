import { describe, expect, it } from 'vitest';
import { initialState, screenOf, step, type ReaderEvent, type ReaderState } from './machine.js';

// Test data: a 6-byte stand-in for the certificate DER, 32 nonce bytes 00..1F, a 3-byte signature.
const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const CERT_B64 = 'MIIAAqq7';
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const NONCE = Uint8Array.from([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
]);
const SIG = Uint8Array.from([1, 2, 3]);
const SIG_B64 = 'AQID';

const challenge: ReaderEvent = { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 };

function run(state: ReaderState, ...events: ReaderEvent[]): ReaderState {
  return events.reduce((s, e) => step(s, e).state, state);
}

const fresh = () => initialState({ readerId: 'r1' });
const idle = () => run(fresh(), { type: 'link.up' });
const reading = () => run(idle(), { type: 'card.placed', sessionId: 's1' });
const awaitingChallenge = (tries = 3) => run(reading(), { type: 'card.read-ok', certificate: CERT, pinTriesLeft: tries });
const authSelect = (tries = 3) => run(awaitingChallenge(tries), challenge);
const pinEntry = () => run(authSelect(), { type: 'choose.pin' });
const verifying = () => run(pinEntry(), { type: 'pin.entered', pin: '1234' });
const checkingPin = () => run(verifying(), { type: 'pin.ok', signature: SIG });
const faceCapture = (tries = 3) => run(authSelect(tries), { type: 'choose.face' });
const consentBulk = () => run(checkingPin(), { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'k1' });
const consentItem = () => run(consentBulk(), { type: 'consent.individually' });
const awaitingCompletion = () => run(consentBulk(), { type: 'consent.agree-all' });
const done = () => run(awaitingCompletion(), { v: 1, type: 'session.completed', sessionId: 's1' });
const rejected = () =>
  run(checkingPin(), { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, errorCode: '006', message: 'certificate expired' });

describe('link', () => {
  it('starts link-down', () => {
    expect(screenOf(fresh())).toEqual({ screen: 'link-down', message: '資格確認端末と接続できません。受付にお声がけください', lines: ['資格確認端末と接続できません。受付にお声がけください'] });
  });

  it('link-down + link.up → idle, asking for the card', () => {
    const r = step(fresh(), { type: 'link.up' });
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({ screen: 'idle', message: 'マイナンバーカードを置いてください', lines: ['マイナンバーカードを置いてください'] });
  });

  it('link.down in the middle of a session → link-down, session dropped, nothing sent', () => {
    const r = step(pinEntry(), { type: 'link.down' });
    expect(r.effects).toEqual([]);
    expect(r.state.screen).toBe('link-down');
    expect(r.state.session).toBeNull();
  });

  it('link.down when idle → link-down', () => {
    expect(step(idle(), { type: 'link.down' }).state.screen).toBe('link-down');
  });
});

describe('reading the card', () => {
  it('idle + card.placed → reading with a card.read effect', () => {
    const r = step(idle(), { type: 'card.placed', sessionId: 's1' });
    expect(r.state.screen).toBe('reading');
    expect(r.effects).toEqual([{ type: 'card.read' }]);
    expect(r.state.session?.sessionId).toBe('s1');
  });

  it('reading + card.read-ok → stays reading and sends challenge.request', () => {
    const r = step(reading(), { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 });
    expect(r.state.screen).toBe('reading');
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'challenge.request', sessionId: 's1' } }]);
  });

  it('card.read-ok with 0 PIN tries also sends a pin-locked notice', () => {
    const r = step(reading(), { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 0 });
    expect(r.effects).toEqual([
      { type: 'send', message: { v: 1, type: 'challenge.request', sessionId: 's1' } },
      { type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'pin-locked', triesLeft: 0 } },
    ]);
  });

  it('reading + challenge → auth-select with the PIN available', () => {
    const r = step(awaitingChallenge(), challenge);
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({
      screen: 'auth-select',
      message: '本人確認の方法を選んでください(顔認証 / 暗証番号)',
      lines: ['本人確認の方法を選んでください(顔認証 / 暗証番号)'],
      faceAvailable: true,
      pinAvailable: true,
      triesLeft: 3,
    });
    expect(r.state.session?.challenge).toEqual({ challengeId: 'c1', nonce: NONCE });
  });

  it('reading + challenge when the card had 0 tries → auth-select with the PIN unavailable', () => {
    const s = run(awaitingChallenge(0), challenge);
    expect(screenOf(s)).toMatchObject({ screen: 'auth-select', pinAvailable: false, triesLeft: 0 });
  });

  it('a challenge for another session is ignored', () => {
    const s = awaitingChallenge();
    const r = step(s, { ...challenge, sessionId: 's9' } as ReaderEvent);
    expect(r.state).toBe(s);
    expect(r.effects).toEqual([]);
  });

  it('reading + card.read-failed → error 001 with a card-read-failed notice', () => {
    const r = step(reading(), { type: 'card.read-failed' });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'card-read-failed' } }]);
    expect(screenOf(r.state)).toEqual({
      screen: 'error',
      message: '001 マイナンバーカードを読み取れませんでした。カードを置き直してください',
      lines: ['001 マイナンバーカードを読み取れませんでした。カードを置き直してください'],
      errorCode: '001',
    });
  });
});

describe('PIN path', () => {
  it('auth-select + choose.pin with tries left → pin-entry', () => {
    const r = step(authSelect(), { type: 'choose.pin' });
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({ screen: 'pin-entry', message: '暗証番号(4桁)を入力してください', lines: ['暗証番号(4桁)を入力してください'], pinAvailable: true, triesLeft: 3 });
  });

  it('auth-select + choose.pin with a locked PIN → stays in auth-select with a refusal (F7)', () => {
    const r = step(authSelect(0), { type: 'choose.pin' });
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({
      screen: 'auth-select',
      message: '暗証番号はロックされているため使用できません。顔認証を選ぶか、受付にお声がけください',
      lines: ['暗証番号はロックされているため使用できません。顔認証を選ぶか、受付にお声がけください'],
      faceAvailable: true,
      pinAvailable: false,
      triesLeft: 0,
    });
  });

  it('pin-entry + pin.entered → card.verify-and-sign with the PIN and the nonce', () => {
    const r = step(pinEntry(), { type: 'pin.entered', pin: '1234' });
    expect(r.state.screen).toBe('pin-entry');
    expect(r.effects).toEqual([{ type: 'card.verify-and-sign', pin: '1234', nonce: NONCE }]);
  });

  it('pin-entry + a PIN that is not 4 digits → a hint, nothing sent to the card', () => {
    const r = step(pinEntry(), { type: 'pin.entered', pin: '12a' });
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state).message).toBe('暗証番号は4桁の数字で入力してください');
  });

  it('pin.ok → checking and auth.result with method pin', () => {
    const r = step(verifying(), { type: 'pin.ok', signature: SIG });
    expect(r.state.screen).toBe('checking');
    expect(r.effects).toEqual([
      {
        type: 'send',
        message: { v: 1, type: 'auth.result', sessionId: 's1', method: 'pin', certificate: CERT_B64, challengeId: 'c1', signature: SIG_B64 },
      },
    ]);
  });

  it('pin.wrong with tries left → pin-entry showing them, pin-wrong notice', () => {
    const r = step(verifying(), { type: 'pin.wrong', triesLeft: 2 });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'pin-wrong', triesLeft: 2 } }]);
    expect(screenOf(r.state)).toEqual({ screen: 'pin-entry', message: '暗証番号が違います。残り2回です', lines: ['暗証番号が違います。残り2回です'], pinAvailable: true, triesLeft: 2 });
  });

  it('pin.wrong with 0 tries → auth-select without the PIN, pin-locked notice (F6)', () => {
    const r = step(verifying(), { type: 'pin.wrong', triesLeft: 0 });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'pin-locked', triesLeft: 0 } }]);
    expect(screenOf(r.state)).toEqual({
      screen: 'auth-select',
      message: '暗証番号がロックされました。顔認証を選ぶか、受付にお声がけください',
      lines: ['暗証番号がロックされました。顔認証を選ぶか、受付にお声がけください'],
      faceAvailable: true,
      pinAvailable: false,
      triesLeft: 0,
    });
  });

  it('pin.locked → auth-select without the PIN, pin-locked notice (F6)', () => {
    const r = step(verifying(), { type: 'pin.locked' });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'pin-locked', triesLeft: 0 } }]);
    expect(screenOf(r.state)).toMatchObject({ screen: 'auth-select', pinAvailable: false });
    // And the PIN path stays closed.
    expect(step(r.state, { type: 'choose.pin' }).state.screen).toBe('auth-select');
  });

  it('a card failure while verifying → error 001', () => {
    const r = step(verifying(), { type: 'card.read-failed', reason: 'card answered 6F00 to VERIFY PIN' });
    expect(r.state.screen).toBe('error');
    expect(r.effects).toEqual([
      {
        type: 'send',
        message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'card-read-failed', message: 'card answered 6F00 to VERIFY PIN' },
      },
    ]);
  });
});

describe('face path', () => {
  it('auth-select + choose.face → face-capture', () => {
    const r = step(authSelect(), { type: 'choose.face' });
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({ screen: 'face-capture', message: 'カメラに顔を向けてください', lines: ['カメラに顔を向けてください'] });
  });

  it('choose.face works with a locked PIN', () => {
    expect(step(authSelect(0), { type: 'choose.face' }).state.screen).toBe('face-capture');
  });

  it('face.presented with a match → face.attest effect', () => {
    const r = step(faceCapture(), { type: 'face.presented', match: true, score: 0.93 });
    expect(r.state.screen).toBe('face-capture');
    expect(r.effects).toEqual([{ type: 'face.attest', nonce: NONCE, certificate: CERT, method: 'face', score: 0.93 }]);
  });

  it('face.attested → checking and auth.result with the attestation', () => {
    const s = run(faceCapture(), { type: 'face.presented', match: true, score: 0.93 });
    const r = step(s, { type: 'face.attested', signature: SIG, score: 0.93 });
    expect(r.state.screen).toBe('checking');
    expect(r.effects).toEqual([
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
  });

  it('face.presented without a match → stays, face-failed notice, retry hint', () => {
    const r = step(faceCapture(), { type: 'face.presented', match: false, score: 0.2 });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'face-failed' } }]);
    expect(screenOf(r.state)).toEqual({ screen: 'face-capture', message: '顔認証に失敗しました。もう一度カメラに顔を向けてください', lines: ['顔認証に失敗しました。もう一度カメラに顔を向けてください'] });
  });

  it('the third failed match → back to auth-select', () => {
    const miss: ReaderEvent = { type: 'face.presented', match: false, score: 0.2 };
    const r = step(run(faceCapture(), miss, miss), miss);
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'face-failed' } }]);
    expect(screenOf(r.state)).toEqual({
      screen: 'auth-select',
      message: '顔認証ができませんでした。暗証番号を選ぶか、受付にお声がけください',
      lines: ['顔認証ができませんでした。暗証番号を選ぶか、受付にお声がけください'],
      faceAvailable: true,
      pinAvailable: true,
      triesLeft: 3,
    });
  });
});

describe('central check and consent', () => {
  it('checking + auth.verdict accepted → consent-bulk, keeping the checkId', () => {
    const r = step(checkingPin(), { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'k1' });
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({
      screen: 'consent-bulk',
      message: '過去の医療情報等を提供することに同意しますか(全て同意する / 個別に同意する)',
      lines: ['過去の医療情報等を提供することに同意しますか(全て同意する / 個別に同意する)'],
    });
    expect(r.state.session?.checkId).toBe('k1');
  });

  it('checking + auth.verdict rejected (006) → error 006 and a certificate-rejected notice', () => {
    const r = step(checkingPin(), { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, errorCode: '006', message: 'certificate expired' });
    expect(r.effects).toEqual([
      { type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'certificate-rejected', message: 'certificate expired' } },
    ]);
    expect(screenOf(r.state)).toEqual({
      screen: 'error',
      message: '006 利用者証明用電子証明書の失効・有効期限切れです。受付にお声がけください',
      lines: ['006 利用者証明用電子証明書の失効・有効期限切れです。受付にお声がけください'],
      errorCode: '006',
    });
  });

  it('auth.verdict refused with a non-006 code shows the code and the terminal\'s text', () => {
    const r = step(checkingPin(), { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, errorCode: 'E-cert', message: '利用者証明用電子証明書の一時停止' });
    expect(screenOf(r.state)).toEqual({ screen: 'error', message: 'E-cert 利用者証明用電子証明書の一時停止', lines: ['E-cert 利用者証明用電子証明書の一時停止'], errorCode: 'E-cert' });
    expect(r.effects).toEqual([
      { type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'certificate-rejected', message: '利用者証明用電子証明書の一時停止' } },
    ]);
  });

  it('auth.verdict refused with E-comm while checking → communication-error notice', () => {
    const r = step(checkingPin(), { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, errorCode: 'E-comm', message: '通信エラー' });
    expect(screenOf(r.state)).toEqual({ screen: 'error', message: 'E-comm 通信エラー', lines: ['E-comm 通信エラー'], errorCode: 'E-comm' });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'communication-error', message: '通信エラー' } }]);
  });

  it('a refusal instead of the challenge (central unreachable) → error, communication-error notice', () => {
    const r = step(awaitingChallenge(), { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, errorCode: 'E-comm', message: '通信エラー' });
    expect(screenOf(r.state)).toEqual({ screen: 'error', message: 'E-comm 通信エラー', lines: ['E-comm 通信エラー'], errorCode: 'E-comm' });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'communication-error', message: '通信エラー' } }]);
  });

  it('a refusal instead of session.completed (qualification failed) → error', () => {
    const r = step(awaitingCompletion(), { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, errorCode: 'E-comm', message: '通信エラー' });
    expect(screenOf(r.state)).toMatchObject({ screen: 'error', errorCode: 'E-comm' });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'communication-error', message: '通信エラー' } }]);
  });

  it('auth.verdict accepted without a checkId → error and communication-error notice', () => {
    const r = step(checkingPin(), { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true });
    expect(screenOf(r.state)).toEqual({ screen: 'error', message: '資格確認端末の応答に確認番号がありません。受付にお声がけください', lines: ['資格確認端末の応答に確認番号がありません。受付にお声がけください'] });
    expect(r.effects).toEqual([
      { type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'communication-error', message: 'auth.verdict accepted without checkId' } },
    ]);
  });

  it('consent-bulk + consent.agree-all → checking and consent.result, all true, bulk', () => {
    const r = step(consentBulk(), { type: 'consent.agree-all' });
    expect(r.state.screen).toBe('checking');
    expect(r.effects).toEqual([
      {
        type: 'send',
        message: {
          v: 1,
          type: 'consent.result',
          sessionId: 's1',
          checkId: 'k1',
          consent: { diagnosis: true, pharmacy: true, checkup: true, operation: true },
          bulk: true,
        },
      },
    ]);
  });

  it('consent-bulk + consent.individually → consent-item on diagnosis', () => {
    const r = step(consentBulk(), { type: 'consent.individually' });
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({ screen: 'consent-item', message: '過去の診療情報を提供することに同意しますか', lines: ['過去の診療情報を提供することに同意しますか'], consentItem: 'diagnosis' });
  });

  it('consent items go diagnosis → pharmacy → checkup → operation', () => {
    const s1 = run(consentItem(), { type: 'consent.item', agree: true });
    expect(screenOf(s1).consentItem).toBe('pharmacy');
    const s2 = run(s1, { type: 'consent.item', agree: false });
    expect(screenOf(s2).consentItem).toBe('checkup');
    const s3 = run(s2, { type: 'consent.item', agree: true });
    expect(screenOf(s3)).toEqual({ screen: 'consent-item', message: '過去の手術情報を提供することに同意しますか', lines: ['過去の手術情報を提供することに同意しますか'], consentItem: 'operation' });
  });

  it('the last consent item → checking and consent.result, item by item', () => {
    const s = run(consentItem(), { type: 'consent.item', agree: true }, { type: 'consent.item', agree: false }, { type: 'consent.item', agree: true });
    const r = step(s, { type: 'consent.item', agree: false });
    expect(r.state.screen).toBe('checking');
    expect(r.effects).toEqual([
      {
        type: 'send',
        message: {
          v: 1,
          type: 'consent.result',
          sessionId: 's1',
          checkId: 'k1',
          consent: { diagnosis: true, pharmacy: false, checkup: true, operation: false },
          bulk: false,
        },
      },
    ]);
  });

  it('checking after consent + session.completed → done', () => {
    const r = step(awaitingCompletion(), { v: 1, type: 'session.completed', sessionId: 's1', validity: '1' });
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({ screen: 'done', message: '受付が完了しました。カードを取り出して、待合室でお待ちください', lines: ['受付が完了しました。カードを取り出して、待合室でお待ちください'] });
  });

  it('session.completed before the verdict is ignored', () => {
    const s = checkingPin();
    const r = step(s, { v: 1, type: 'session.completed', sessionId: 's1' });
    expect(r.state).toBe(s);
    expect(r.effects).toEqual([]);
  });
});

describe('leaving a session', () => {
  it('card.removed after challenge.request → idle and session.ended card-removed', () => {
    const r = step(consentBulk(), { type: 'card.removed' });
    expect(r.state.screen).toBe('idle');
    expect(r.state.session).toBeNull();
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'session.ended', sessionId: 's1', reason: 'card-removed' } }]);
  });

  it('card.removed while still reading (terminal not told yet) → idle, nothing sent', () => {
    const r = step(reading(), { type: 'card.removed' });
    expect(r.state.screen).toBe('idle');
    expect(r.effects).toEqual([]);
  });

  it('done + card.removed → idle', () => {
    const r = step(done(), { type: 'card.removed' });
    expect(r.state.screen).toBe('idle');
    expect(r.effects).toEqual([]);
  });

  it('error + card.removed → idle', () => {
    const r = step(rejected(), { type: 'card.removed' });
    expect(r.state.screen).toBe('idle');
    expect(r.effects).toEqual([]);
  });

  it('cancel in a session → idle and session.ended cancelled', () => {
    const r = step(pinEntry(), { type: 'cancel' });
    expect(r.state.screen).toBe('idle');
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'session.ended', sessionId: 's1', reason: 'cancelled' } }]);
  });

  it('protocol.error in a session → error screen', () => {
    const r = step(checkingPin(), { v: 1, type: 'protocol.error', code: 'bad-message', message: 'sessionId: required' });
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({
      screen: 'error',
      message: '資格確認端末との通信でエラーが発生しました(bad-message)。受付にお声がけください',
      lines: ['資格確認端末との通信でエラーが発生しました(bad-message)。受付にお声がけください'],
    });
  });
});

describe('events that do not apply are ignored', () => {
  const cases: Array<[string, () => ReaderState, ReaderEvent]> = [
    ['link-down + card.placed', fresh, { type: 'card.placed', sessionId: 's1' }],
    ['idle + pin.entered', idle, { type: 'pin.entered', pin: '1234' }],
    ['idle + card.removed', idle, { type: 'card.removed' }],
    ['idle + protocol.error', idle, { v: 1, type: 'protocol.error', code: 'x', message: 'y' }],
    ['idle + link.up', idle, { type: 'link.up' }],
    ['reading + card.placed', reading, { type: 'card.placed', sessionId: 's2' }],
    ['reading + challenge before the card was read', reading, challenge],
    ['auth-select + pin.ok', authSelect, { type: 'pin.ok', signature: SIG }],
    ['pin-entry + pin.entered while verifying', verifying, { type: 'pin.entered', pin: '5678' }],
    ['pin-entry + choose.face', pinEntry, { type: 'choose.face' }],
    ['face-capture + pin.entered', faceCapture, { type: 'pin.entered', pin: '1234' }],
    ['checking + consent.agree-all', checkingPin, { type: 'consent.agree-all' }],
    ['checking + verdict for another session', checkingPin, { v: 1, type: 'auth.verdict', sessionId: 's2', accepted: true, checkId: 'k' }],
    ['consent-bulk + consent.item', consentBulk, { type: 'consent.item', agree: true }],
    ['reading + an accepted verdict while waiting for the challenge', awaitingChallenge, { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'k' }],
    ['auth-select + a refusal (nothing awaited)', authSelect, { v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, errorCode: '006' }],
    ['checking + a refusal for another session', checkingPin, { v: 1, type: 'auth.verdict', sessionId: 's2', accepted: false, errorCode: '006' }],
    ['done + choose.pin', done, { type: 'choose.pin' }],
    ['done + cancel', done, { type: 'cancel' }],
    ['error + pin.ok', rejected, { type: 'pin.ok', signature: SIG }],
  ];
  it.each(cases)('%s', (_name, make, event) => {
    const s = make();
    const r = step(s, event);
    expect(r.state).toBe(s);
    expect(r.effects).toEqual([]);
  });
});
