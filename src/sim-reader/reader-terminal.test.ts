/**
 * The reader runtime against the real terminal and central (cards with real APDUs): 目視確認
 * mode switched from the terminal, the staff tick, reboot, and injected faults.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MINI_READER_ID, startMiniRig, type MiniRig } from '../../tests/browser/mini-rig.js';

let rig: MiniRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const PERSONAS = [
  { id: 'taro', name: '山田　太郎', pin: '1234' },
  { id: 'locked', name: '𠮷田　髙子', pin: '4321', pinTriesLeft: 0 },
];

async function settle(r: MiniRig): Promise<void> {
  await r.reader.sync();
  await r.reader.whenIdle();
}

describe('目視確認 mode from the terminal', () => {
  it('a card with a locked PIN passes by staff confirmation: auth.result visual accepted by central, consent, done', async () => {
    rig = await startMiniRig({ personas: PERSONAS, reader: { profile: 'vendor-a' } });
    const { reader, terminal } = rig;
    terminal.setVisualMode(MINI_READER_ID, true);
    await settle(rig);
    expect(reader.screen().screen).toBe('idle-visual');

    terminal.confirmVisual(MINI_READER_ID);
    await settle(rig);
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('locked')!, holderName: '𠮷田　髙子' });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('consent-bulk');
    expect(reader.screen().name).toBe('●田　●子');

    await reader.dispatch({ type: 'consent.agree-all' });
    await reader.whenIdle();
    expect(reader.screen()).toMatchObject({ screen: 'done', lines: ['●田　●子　さま', '受付が完了しました', 'カードをお取りください'] });

    await reader.dispatch({ type: 'card.removed' });
    expect(reader.screen().screen).toBe('idle-visual'); // sticky (KYOTO-16047)
    terminal.setVisualMode(MINI_READER_ID, false);
    await settle(rig);
    expect(reader.screen().screen).toBe('idle');
  });

  it('card first: the reader waits on visual-wait until staff tick', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    const { reader, terminal } = rig;
    terminal.setVisualMode(MINI_READER_ID, true);
    await settle(rig);
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('visual-wait');
    terminal.confirmVisual(MINI_READER_ID);
    await settle(rig);
    expect(reader.screen().screen).toBe('consent-bulk');
  });

  it('switched on during a PIN session, the mode applies after the card is removed (N30)', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    const { reader, terminal } = rig;
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    await reader.whenIdle();
    terminal.setVisualMode(MINI_READER_ID, true);
    await settle(rig);
    expect(reader.screen().screen).toBe('auth-select');
    await reader.dispatch({ type: 'card.removed' });
    expect(reader.screen().screen).toBe('idle-visual');
  });

  it('a command to a reader that is not connected throws naming the connected ones', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    expect(() => rig!.terminal.setVisualMode('reader-9', true)).toThrow(
      'terminal: cannot send mode.set to reader "reader-9": it is not connected (connected: reader-1); wait for the reader\'s hello or check its id',
    );
  });
});

describe('faults and reboot', () => {
  it('boot-hang at start: boot-failed until the terminal reboots the reader', async () => {
    rig = await startMiniRig({ personas: PERSONAS, reader: { faults: [{ kind: 'boot-hang' }] } });
    const { reader, terminal } = rig;
    expect(reader.screen().screen).toBe('boot-failed');
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    expect(reader.screen().screen).toBe('boot-failed');
    terminal.rebootReader(MINI_READER_ID);
    await settle(rig);
    expect(reader.screen().screen).toBe('idle');
  });

  it('freeze mid-flow: the reader stays on reading; whenIdle settles; a reboot recovers', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    const { reader } = rig;
    await reader.injectFault({ kind: 'freeze', afterActions: 1 });
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    await reader.whenIdle();
    expect(reader.screen()).toMatchObject({ screen: 'reading', frozen: true });
    await reader.reboot();
    expect(reader.screen().screen).toBe('idle');
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('auth-select');
  });

  it('link-drop with auto reconnect: the session is dropped, the reader comes back idle', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    const { reader } = rig;
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    await reader.whenIdle();
    const screens: string[] = [];
    reader.onScreen((s) => screens.push(s.screen));
    await reader.injectFault({ kind: 'link-drop', afterMs: 20 });
    await reader.whenIdle();
    expect(screens).toEqual(['link-down', 'idle']);
    // The link works again: a full check goes through.
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('auth-select');
  });

  it('link-drop until reboot: link-down stays; reader.reboot() reconnects', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    const { reader } = rig;
    await reader.injectFault({ kind: 'link-drop', reconnect: 'on-reboot' });
    await new Promise((r) => setTimeout(r, 80));
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('link-down');
    await reader.reboot();
    expect(reader.screen().screen).toBe('idle');
  });

  it('camera-unavailable refuses the face path; PIN still works', async () => {
    rig = await startMiniRig({ personas: PERSONAS, reader: { faults: [{ kind: 'camera-unavailable' }] } });
    const { reader } = rig;
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    await reader.whenIdle();
    await reader.dispatch({ type: 'choose.face' });
    expect(reader.screen()).toMatchObject({ screen: 'auth-select', faceAvailable: false });
    await reader.dispatch({ type: 'choose.pin' });
    await reader.dispatch({ type: 'pin.entered', pin: '1234' });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('consent-bulk');
  });

  it('slow-card-read delays the card work by the given milliseconds; reboot clears it', async () => {
    rig = await startMiniRig({ personas: PERSONAS, reader: { faults: [{ kind: 'slow-card-read', ms: 150 }] } });
    const { reader } = rig;
    const t0 = performance.now();
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
    await reader.reboot();
    const t1 = performance.now();
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    expect(performance.now() - t1).toBeLessThan(145);
  });

  it('an invalid fault names the field and the kinds', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    await expect(rig.reader.injectFault({ kind: 'slow-card-read', ms: -1 })).rejects.toThrow(/reader fault .*ms: .*kinds: boot-hang/);
  });
});
