import { describe, expect, it } from 'vitest';
import { GENERIC_PROFILE, VENDOR_PROFILES } from './profiles/index.js';
import { initialState, screenOf, step, type ReaderEvent, type ReaderState, type ScreenId } from './machine.js';

// Consent screens (reader-flow K0–K2): 包括同意 on one screen since 2024-10-07, no 限度額 screen
// since 2024-10-07, carry-over of the previous individual choices at the facility since 2025-02.
const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const SIG = Uint8Array.from([1, 2, 3]);
const PREVIOUS = { diagnosis: false, pharmacy: true, checkup: true, operation: false };

const run = (state: ReaderState, ...events: ReaderEvent[]): ReaderState => events.reduce((s, e) => step(s, e).state, state);

function checking(): ReaderState {
  return run(
    initialState({ readerId: 'r1' }),
    { type: 'link.up' },
    { type: 'card.placed', sessionId: 's1' },
    { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 },
    { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 },
    { type: 'choose.pin' },
    { type: 'pin.entered', pin: '1234' },
    { type: 'pin.ok', signature: SIG },
  );
}

const verdict = (extra: Record<string, unknown> = {}): ReaderEvent =>
  ({ v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'k1', ...extra }) as ReaderEvent;
const carryover = () => run(checking(), verdict({ previousConsent: PREVIOUS }));

describe('consent carry-over (K0, since 2025-02)', () => {
  it('a verdict with previousConsent → the carry-over screen showing the previous choices', () => {
    const r = step(checking(), verdict({ previousConsent: PREVIOUS }));
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toEqual({
      screen: 'consent-carryover',
      message: '過去の医療情報等の提供に同意しますか。前回この医療機関で選んだ同意内容を引き継げます(前回と同じ / 選択しなおす)',
      lines: ['過去の医療情報等の提供に同意しますか。前回この医療機関で選んだ同意内容を引き継げます(前回と同じ / 選択しなおす)'],
      previousConsent: { diagnosis: false, pharmacy: true, checkup: true, operation: false },
    });
  });

  it('«前回と同じ» sends the previous choices again, carriedOver, not bulk, in one step', () => {
    const r = step(carryover(), { type: 'consent.carry-over' });
    expect(r.state.screen).toBe('checking');
    expect(r.state.session?.awaiting).toBe('session.completed');
    expect(r.effects).toEqual([
      {
        type: 'send',
        message: {
          v: 1,
          type: 'consent.result',
          sessionId: 's1',
          checkId: 'k1',
          consent: { diagnosis: false, pharmacy: true, checkup: true, operation: false },
          bulk: false,
          carriedOver: true,
        },
      },
    ]);
  });

  it('«選択しなおす» goes to the first individual screen, nothing pre-selected, nothing sent', () => {
    const r = step(carryover(), { type: 'consent.reselect' });
    expect(r.effects).toEqual([]);
    expect(screenOf(r.state)).toMatchObject({ screen: 'consent-item', consentItem: 'diagnosis' });
    expect(r.state.session?.consent).toEqual({});
  });

  it('after «選択しなおす» the four individual answers are sent as chosen, without carriedOver', () => {
    const s = run(carryover(), { type: 'consent.reselect' }, ...[true, false, false, true].map((agree): ReaderEvent => ({ type: 'consent.item', agree })));
    expect(s.screen).toBe('checking');
    expect(s.session?.consent).toEqual({ diagnosis: true, pharmacy: false, checkup: false, operation: true });
    const last = step(run(carryover(), { type: 'consent.reselect' }, { type: 'consent.item', agree: true }, { type: 'consent.item', agree: false }, { type: 'consent.item', agree: false }), {
      type: 'consent.item',
      agree: true,
    });
    expect(last.effects).toEqual([
      {
        type: 'send',
        message: { v: 1, type: 'consent.result', sessionId: 's1', checkId: 'k1', consent: { diagnosis: true, pharmacy: false, checkup: false, operation: true }, bulk: false },
      },
    ]);
  });

  it('the 包括同意 buttons do nothing on the carry-over screen', () => {
    const s = carryover();
    for (const e of [{ type: 'consent.agree-all' }, { type: 'consent.individually' }, { type: 'consent.item', agree: true }] as ReaderEvent[]) {
      const r = step(s, e);
      expect(r.state).toBe(s);
      expect(r.effects).toEqual([]);
    }
  });

  it('carry-over is ignored on the 包括同意 screen (no previous choices given)', () => {
    const s = run(checking(), verdict());
    expect(s.screen).toBe('consent-bulk');
    expect(step(s, { type: 'consent.carry-over' }).state).toBe(s);
    expect(step(s, { type: 'consent.reselect' }).state).toBe(s);
  });

  it('after registration («登録する») the carry-over screen comes, with previous choices', () => {
    const s = run(checking(), verdict({ registered: false, previousConsent: PREVIOUS }));
    expect(s.screen).toBe('registration-offer');
    const r = step(s, { type: 'register.yes' });
    expect(r.state.screen).toBe('consent-carryover');
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'registration.request', sessionId: 's1', checkId: 'k1' } }]);
  });

  it('after the expiry notice: ack → carry-over; carry-over answered directly from the notice', () => {
    const s = run(checking(), verdict({ certificateStatus: 'expiring-soon', previousConsent: PREVIOUS }));
    expect(s.screen).toBe('cert-expiry-notice');
    expect(step(s, { type: 'ack' }).state.screen).toBe('consent-carryover');
    const r = step(s, { type: 'consent.carry-over' });
    expect(r.state.screen).toBe('checking');
    expect(r.effects).toHaveLength(1);
    expect(step(s, { type: 'consent.agree-all' }).state).toBe(s);
  });

  it('the carry-over screen times out like the other consent screens (F22)', () => {
    const s = run(carryover(), { type: 'tick', now: 1_000 });
    const r = step(s, { type: 'tick', now: 61_000 });
    expect(r.state.screen).toBe('idle');
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'session.ended', sessionId: 's1', reason: 'timeout' } }]);
  });

  it('card removal on the carry-over screen ends the session with card-removed', () => {
    const r = step(carryover(), { type: 'card.removed' });
    expect(r.state.screen).toBe('idle');
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'session.ended', sessionId: 's1', reason: 'card-removed' } }]);
  });

  it('the next session starts without the previous choices', () => {
    const s = run(carryover(), { type: 'consent.carry-over' }, { v: 1, type: 'session.completed', sessionId: 's1' }, { type: 'card.removed' }, { type: 'card.placed', sessionId: 's2' });
    expect(s.session?.previousConsent).toBeNull();
  });
});

describe('包括同意 on one screen (since 2024-10-07)', () => {
  it('one «全て同意する» on the bulk screen sends all four items agreed, bulk, without carriedOver', () => {
    const r = step(run(checking(), verdict()), { type: 'consent.agree-all' });
    expect(r.effects).toEqual([
      {
        type: 'send',
        message: { v: 1, type: 'consent.result', sessionId: 's1', checkId: 'k1', consent: { diagnosis: true, pharmacy: true, checkup: true, operation: true }, bulk: true },
      },
    ]);
  });

  it('the bulk screen names the items in one question with both choices', () => {
    expect(screenOf(run(checking(), verdict())).message).toBe('過去の医療情報等を提供することに同意しますか(全て同意する / 個別に同意する)');
  });
});

describe('no 限度額 consent screen (removed 2024-10-07)', () => {
  const visited = (events: ReaderEvent[]): ScreenId[] => {
    const screens: ScreenId[] = [];
    events.reduce((s, e) => {
      const n = step(s, e).state;
      screens.push(n.screen);
      return n;
    }, checking());
    return screens;
  };

  it('bulk consent: verdict → consent-bulk → checking → done → idle, nothing about limits', () => {
    expect(
      visited([verdict(), { type: 'consent.agree-all' }, { v: 1, type: 'session.completed', sessionId: 's1' }, { type: 'card.removed' }]),
    ).toEqual(['consent-bulk', 'checking', 'done', 'idle']);
  });

  it('individual consent: exactly four item screens, then checking and done', () => {
    const items: ReaderEvent[] = [1, 2, 3, 4].map(() => ({ type: 'consent.item', agree: true }));
    expect(visited([verdict(), { type: 'consent.individually' }, ...items, { v: 1, type: 'session.completed', sessionId: 's1' }])).toEqual([
      'consent-bulk',
      'consent-item',
      'consent-item',
      'consent-item',
      'consent-item',
      'checking',
      'done',
    ]);
  });

  it('no profile has a text about 限度額 or 高額療養費', () => {
    for (const p of [GENERIC_PROFILE, ...Object.values(VENDOR_PROFILES)]) {
      expect(JSON.stringify(p.texts), p.id).not.toMatch(/限度額|高額療養費/);
    }
  });

  it('the done screen offers nothing more: any consent action there is ignored', () => {
    const s = run(checking(), verdict(), { type: 'consent.agree-all' }, { v: 1, type: 'session.completed', sessionId: 's1' });
    for (const e of [{ type: 'consent.agree-all' }, { type: 'consent.item', agree: true }, { type: 'ack' }] as ReaderEvent[]) expect(step(s, e).state).toBe(s);
  });
});

describe('資格確認限定型: the verdict says consentNotAsked (rules.md §3, qualification only)', () => {
  const NOT_ASKED_RESULT = {
    type: 'send',
    message: {
      v: 1,
      type: 'consent.result',
      sessionId: 's1',
      checkId: 'k1',
      consent: { diagnosis: false, pharmacy: false, checkup: false, operation: false },
      bulk: false,
      consentNotAsked: true,
    },
  };

  it('no consent screen: the reader sends no consent at once and waits for the result', () => {
    const r = step(checking(), verdict({ consentNotAsked: true }));
    expect(r.state.screen).toBe('checking');
    expect(r.state.session?.awaiting).toBe('session.completed');
    expect(r.effects).toEqual([NOT_ASKED_RESULT]);
    // the patient's consent buttons do nothing now
    expect(step(r.state, { type: 'consent.agree-all' }).effects).toEqual([]);
  });

  it('a carry-over offer in the same verdict is not shown either', () => {
    const r = step(checking(), verdict({ consentNotAsked: true, previousConsent: PREVIOUS }));
    expect(r.state.screen).toBe('checking');
    expect(r.effects).toEqual([NOT_ASKED_RESULT]);
  });

  it('after «登録する» the registration goes out, then the no-consent result, no screen between', () => {
    const s = run(checking(), verdict({ registered: false, consentNotAsked: true }));
    expect(s.screen).toBe('registration-offer');
    const r = step(s, { type: 'register.yes' });
    expect(r.state.screen).toBe('checking');
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'registration.request', sessionId: 's1', checkId: 'k1' } }, NOT_ASKED_RESULT]);
  });

  it('after the expiry notice: consent buttons are ignored, ack sends the no-consent result', () => {
    const s = run(checking(), verdict({ certificateStatus: 'expiring-soon', consentNotAsked: true }));
    expect(s.screen).toBe('cert-expiry-notice');
    expect(step(s, { type: 'consent.agree-all' }).state.screen).toBe('cert-expiry-notice');
    const r = step(s, { type: 'ack' });
    expect(r.state.screen).toBe('checking');
    expect(r.effects).toEqual([NOT_ASKED_RESULT]);
  });

  it('without consentNotAsked the 包括同意 screen comes as before', () => {
    expect(step(checking(), verdict()).state.screen).toBe('consent-bulk');
  });
});
