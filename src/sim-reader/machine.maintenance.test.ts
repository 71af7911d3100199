import { describe, expect, it } from 'vitest';
import { initialState, screenOf, step, type ReaderEvent, type ReaderState } from './machine.js';
import { readerProfile } from './profiles/index.js';

// D6 maintenance (N33/N34) and software updates: the reader refuses cards until closed or rebooted.
const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const run = (state: ReaderState, ...events: ReaderEvent[]): ReaderState => events.reduce((s, e) => step(s, e).state, state);
const idle = () => run(initialState({ readerId: 'r1' }), { type: 'link.up' });
const maintenance = (reason: 'settings' | 'update'): ReaderEvent => ({ type: 'fault.inject', fault: { kind: 'maintenance', reason } });

describe('maintenance', () => {
  it('settings: the maintenance screen', () => {
    expect(screenOf(run(idle(), maintenance('settings')))).toEqual({
      screen: 'maintenance',
      message: 'ただいまメンテナンス中です。受付にお声がけください',
      lines: ['ただいまメンテナンス中です。受付にお声がけください'],
    });
  });

  it('update: the updating text', () => {
    expect(screenOf(run(idle(), maintenance('update'))).message).toBe('ソフトウェアを更新しています。しばらくお待ちください');
  });

  it('a card placed is refused with the message, no session; staff hear of it by a reader-maintenance notice', () => {
    const r = step(run(idle(), maintenance('update')), { type: 'card.placed', sessionId: 's1' });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', code: 'reader-maintenance', message: 'maintenance: update' } }]);
    expect(r.state.session).toBeNull();
    expect(screenOf(r.state)).toMatchObject({ screen: 'maintenance', message: 'メンテナンス中のためカードを読み取れません。受付にお声がけください' });
    expect(step(r.state, { type: 'card.removed' }).state.message).toBeNull();
  });

  it('settings: the notice names the reason; a second placing while refused sends nothing more', () => {
    const r = step(run(idle(), maintenance('settings')), { type: 'card.placed', sessionId: 's1' });
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'reader.notice', code: 'reader-maintenance', message: 'maintenance: settings' } }]);
    expect(step(r.state, { type: 'card.placed', sessionId: 's2' }).effects).toEqual([]);
  });

  it('without link the card is refused on screen and no notice is sent', () => {
    const r = step(run(idle(), maintenance('update'), { type: 'link.down' }), { type: 'card.placed', sessionId: 's1' });
    expect(r.effects).toEqual([]);
    expect(r.state.message).toBe('メンテナンス中のためカードを読み取れません。受付にお声がけください');
  });

  it("a vendor profile's own refusal text is used", () => {
    const base = readerProfile('generic');
    const profile = { ...base, texts: { ...base.texts, maintenanceRefused: '保守中' } };
    const s = run(initialState({ readerId: 'r1', profile }), { type: 'link.up' }, maintenance('settings'), { type: 'card.placed', sessionId: 's1' });
    expect(screenOf(s).message).toBe('保守中');
  });

  it('patient actions, terminal replies and ticks are ignored', () => {
    const s = run(idle(), maintenance('settings'));
    for (const e of [{ type: 'choose.face' }, { type: 'consent.agree-all' }, { type: 'tick', now: 999_999 }, { v: 1, type: 'visual.confirmed' }] as ReaderEvent[]) {
      expect(step(s, e).state).toBe(s);
    }
  });

  it('entering maintenance mid-session abandons it: session.ended error', () => {
    const s = run(idle(), { type: 'card.placed', sessionId: 's1' }, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 }, {
      v: 1,
      type: 'challenge',
      sessionId: 's1',
      challengeId: 'c1',
      nonce: NONCE_B64,
    });
    const r = step(s, maintenance('update'));
    expect(r.effects).toEqual([{ type: 'send', message: { v: 1, type: 'session.ended', sessionId: 's1', reason: 'error' } }]);
    expect(r.state.screen).toBe('maintenance');
    expect(r.state.session).toBeNull();
  });

  it('maintenance.close → idle; a mode set meanwhile applies then', () => {
    const s = run(idle(), maintenance('settings'), { v: 1, type: 'mode.set', mode: 'visual' });
    expect(s.screen).toBe('maintenance');
    expect(step(s, { type: 'maintenance.close' }).state.screen).toBe('idle-visual');
    expect(step(run(idle(), maintenance('settings')), { type: 'maintenance.close' }).state.screen).toBe('idle');
  });

  it('the link going down keeps the maintenance screen; closing without link → link-down', () => {
    const s = run(idle(), maintenance('settings'), { type: 'link.down' });
    expect(s.screen).toBe('maintenance');
    expect(step(s, { type: 'maintenance.close' }).state.screen).toBe('link-down');
  });

  it('a reboot ends maintenance', () => {
    const s = run(idle(), maintenance('update'), { type: 'reboot' }, { type: 'boot.done' });
    expect(s.screen).toBe('idle');
    expect(s.faults.maintenance).toBeNull();
  });

  it('maintenance.close when in service does nothing', () => {
    const s = idle();
    expect(step(s, { type: 'maintenance.close' }).state).toBe(s);
  });
});
