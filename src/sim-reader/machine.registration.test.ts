import { describe, expect, it } from 'vitest';
import { initialState, screenOf, step, type ReaderEvent, type ReaderState } from './machine.js';

// Reader-flow R1 (N11, N12, F24) and Q2 (N13, N35): what follows an accepted verdict.
const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const SIG = Uint8Array.from([1, 2, 3]);

function run(state: ReaderState, ...events: ReaderEvent[]): ReaderState {
  return events.reduce((s, e) => step(s, e).state, state);
}

const checking = (): ReaderState =>
  run(
    initialState({ readerId: 'r1' }),
    { type: 'link.up' },
    { type: 'card.placed', sessionId: 's1' },
    { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3, holderName: '山田 花子' },
    { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 },
    { type: 'choose.pin' },
    { type: 'pin.entered', pin: '1234' },
    { type: 'pin.ok', signature: SIG },
  );

const verdict = (extra: { registered?: boolean; certificateStatus?: string }): ReaderEvent => ({
  v: 1,
  type: 'auth.verdict',
  sessionId: 's1',
  accepted: true,
  checkId: 'k1',
  ...extra,
});

const offer = () => run(checking(), verdict({ registered: false, certificateStatus: 'valid' }));
const expiryNotice = () => run(checking(), verdict({ certificateStatus: 'expiring-soon' }));

describe('registration offer (R1)', () => {
  it('accepted verdict with registered=false → registration-offer, name shown, nothing sent', () => {
    const r = step(checking(), verdict({ registered: false, certificateStatus: 'valid' }));
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({
      screen: 'registration-offer',
      message: 'このマイナンバーカードは健康保険証として登録されていません。登録しますか(登録する / 登録しない)',
      lines: ['山田 花子\u3000さま', 'このマイナンバーカードは健康保険証として登録されていません。登録しますか(登録する / 登録しない)'],
      name: '山田 花子',
    });
  });

  it('a verdict without `registered` (older terminal) goes straight to consent-bulk', () => {
    expect(run(checking(), verdict({ certificateStatus: 'valid' })).screen).toBe('consent-bulk');
  });

  it('register.yes → registration.request to the terminal, then the consent screens (N12 continue)', () => {
    const r = step(offer(), { type: 'register.yes' });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'registration.request', sessionId: 's1', checkId: 'k1' } }]);
    expect(r.state.screen).toBe('consent-bulk');
    const agreed = step(r.state, { type: 'consent.agree-all' });
    expect(agreed.effects).toEqual([
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

  it('register.no → error E-notreg and a not-registered notice (F24)', () => {
    const r = step(offer(), { type: 'register.no' });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'not-registered' } }]);
    expect(screenOf(r.state)).toMatchObject({
      screen: 'error',
      errorCode: 'E-notreg',
      message: 'E-notreg 健康保険証の利用登録がないため資格確認ができません。受付にお声がけください',
    });
    // N41: the error is left by taking the card.
    expect(run(r.state, { type: 'card.removed' }).screen).toBe('idle');
  });

  it('consent actions, ack and a second verdict are ignored on the offer', () => {
    const s = offer();
    for (const e of [{ type: 'consent.agree-all' }, { type: 'ack' }, { type: 'consent.individually' }, verdict({})] as ReaderEvent[]) {
      const r = step(s, e);
      expect(r.state).toBe(s);
      expect(r.effects).toEqual([]);
    }
  });

  it('card removed on the offer → session.ended card-removed, idle', () => {
    const r = step(offer(), { type: 'card.removed' });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'session.ended', sessionId: 's1', reason: 'card-removed' } }]);
    expect(r.state.screen).toBe('idle');
  });

  it('unregistered and expiring: the offer comes first and register.yes goes on to consent (N11, N12)', () => {
    const r = step(checking(), verdict({ registered: false, certificateStatus: 'expiring-soon' }));
    expect(r.state.screen).toBe('registration-offer');
    expect(r.effects).toEqual([
      { type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'certificate-expiring', message: 'certificate ends within 3 months' } },
    ]);
    expect(run(r.state, { type: 'register.yes' }).screen).toBe('consent-bulk');
  });
});

describe('certificate expiry notice (Q2)', () => {
  it("verdict with certificateStatus 'expiring-soon' → cert-expiry-notice and a certificate-expiring notice", () => {
    const r = step(checking(), verdict({ certificateStatus: 'expiring-soon' }));
    expect(r.effects).toEqual([
      { type: 'send', message: { v: 1, type: 'reader.notice', sessionId: 's1', code: 'certificate-expiring', message: 'certificate ends within 3 months' } },
    ]);
    expect(screenOf(r.state)).toMatchObject({
      screen: 'cert-expiry-notice',
      message: '利用者証明用電子証明書の有効期限が近づいています。お住まいの市区町村で更新してください(確認)',
      name: '山田 花子',
    });
  });

  it('ack → consent-bulk (N35)', () => {
    const r = step(expiryNotice(), { type: 'ack' });
    expect(r.effects).toEqual([]);
    expect(r.state.screen).toBe('consent-bulk');
  });

  it('consent.agree-all straight from the notice counts as the consent (N35, next consent action)', () => {
    const r = step(expiryNotice(), { type: 'consent.agree-all' });
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

  it('consent.individually from the notice → the first item screen', () => {
    const r = step(expiryNotice(), { type: 'consent.individually' });
    expect(screenOf(r.state)).toMatchObject({ screen: 'consent-item', consentItem: 'diagnosis' });
  });

  it("'valid' and 'expired-in-grace' show no notice", () => {
    expect(run(checking(), verdict({ certificateStatus: 'valid' })).screen).toBe('consent-bulk');
    const grace = step(checking(), verdict({ certificateStatus: 'expired-in-grace' }));
    expect(grace.state.screen).toBe('consent-bulk');
    expect(grace.effects).toEqual([]);
  });

  it('register.yes / register.no do nothing on the notice', () => {
    const s = expiryNotice();
    expect(step(s, { type: 'register.yes' }).state).toBe(s);
    expect(step(s, { type: 'register.no' }).state).toBe(s);
  });
});
