/** Device faults and the reboot that clears them (reader-flow F13–F15, F26, F27, N36). */
import { describe, expect, it } from 'vitest';
import { initialState, screenOf, step, type ReaderEvent, type ReaderState } from './machine.js';

const CERT = Uint8Array.from([0x30, 0x82, 0x00, 0x02, 0xaa, 0xbb]);
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const run = (state: ReaderState, ...events: ReaderEvent[]): ReaderState => events.reduce((s, e) => step(s, e).state, state);
const challenge: ReaderEvent = { v: 1, type: 'challenge', sessionId: 's1', challengeId: 'c1', nonce: NONCE_B64 };

const fresh = () => initialState({ readerId: 'r1' });
const idle = () => run(fresh(), { type: 'link.up' });
const authSelect = () => run(idle(), { type: 'card.placed', sessionId: 's1' }, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 }, challenge);
const reboot: ReaderEvent = { type: 'reboot' };
const bootDone: ReaderEvent = { type: 'boot.done' };

describe('boot-hang (F13) and reboot (F14, N36)', () => {
  it('a reader hung at start stays boot-failed when the link comes up', () => {
    const s = run(fresh(), { type: 'fault.inject', fault: { kind: 'boot-hang' } }, { type: 'link.up' });
    expect(screenOf(s)).toEqual({
      screen: 'boot-failed',
      message: 'カードリーダーが起動できませんでした。受付にお声がけください',
      lines: ['カードリーダーが起動できませんでした。受付にお声がけください'],
    });
    expect(s.linkUp).toBe(true);
  });

  it('boot-failed ignores patient actions and mode changes', () => {
    const s = run(idle(), { type: 'fault.inject', fault: { kind: 'boot-hang' } });
    for (const e of [{ type: 'card.placed', sessionId: 's1' }, { v: 1, type: 'mode.set', mode: 'visual' }, bootDone] as ReaderEvent[]) {
      expect(step(s, e).state).toBe(s);
    }
  });

  it('reboot → booting → boot.done → idle, fault cleared', () => {
    const hung = run(idle(), { type: 'fault.inject', fault: { kind: 'boot-hang' } });
    const booting = run(hung, reboot);
    expect(booting.screen).toBe('booting');
    expect(screenOf(booting).message).toBe('起動しています。しばらくお待ちください');
    const up = run(booting, bootDone);
    expect(up.screen).toBe('idle');
    expect(up.faults.bootHang).toBe(false);
  });

  it('boot.done without a link → link-down', () => {
    expect(run(idle(), reboot, { type: 'link.down' }, bootDone).screen).toBe('link-down');
  });

  it('reboot mid-session drops the session without a message; the 目視 mode is restored (N2 restore)', () => {
    const s = run(authSelect(), { v: 1, type: 'mode.set', mode: 'visual' });
    const r = step(s, reboot);
    expect(r.effects).toEqual([]);
    expect(r.state.session).toBeNull();
    expect(run(r.state, bootDone).screen).toBe('idle-visual');
  });

  it('boot.done outside booting is ignored', () => {
    const s = idle();
    expect(step(s, bootDone).state).toBe(s);
  });
});

describe('freeze (F26)', () => {
  it('afterActions 1: the card placement is handled, then the card result is ignored — stuck on reading', () => {
    const armed = run(idle(), { type: 'fault.inject', fault: { kind: 'freeze', afterActions: 1 } });
    const placed = step(armed, { type: 'card.placed', sessionId: 's1' });
    expect(placed.effects).toEqual([{ type: 'card.read' }]);
    expect(placed.state.faults.frozen).toBe(true);
    const after = step(placed.state, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 });
    expect(after.state).toBe(placed.state);
    expect(after.effects).toEqual([]);
    expect(screenOf(after.state)).toMatchObject({ screen: 'reading', frozen: true });
  });

  it('afterActions 0 freezes at once; card removal is ignored too', () => {
    const s = run(authSelect(), { type: 'fault.inject', fault: { kind: 'freeze', afterActions: 0 } });
    expect(step(s, { type: 'card.removed' }).state).toBe(s);
    expect(step(s, { type: 'choose.pin' }).state).toBe(s);
  });

  it('afterActions 2 counts patient actions only, not terminal replies or card results', () => {
    const armed = run(idle(), { type: 'fault.inject', fault: { kind: 'freeze', afterActions: 2 } });
    const s = run(armed, { type: 'card.placed', sessionId: 's1' }, { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 }, challenge);
    expect(s.screen).toBe('auth-select');
    expect(s.faults).toMatchObject({ frozen: false, freezeAfterActions: 1 });
    const frozen = run(s, { type: 'choose.pin' });
    expect(frozen.screen).toBe('pin-entry');
    expect(frozen.faults.frozen).toBe(true);
    expect(run(frozen, { type: 'pin.entered', pin: '1234' }).session?.pending).toBeNull();
  });

  it('a frozen reader awaits no reply (so whenIdle can settle)', () => {
    const s = run(idle(), { type: 'fault.inject', fault: { kind: 'freeze', afterActions: 1 } }, { type: 'card.placed', sessionId: 's1' });
    const stuck = run(
      initialState({ readerId: 'r1' }),
      { type: 'link.up' },
      { type: 'card.placed', sessionId: 's1' },
      { type: 'fault.inject', fault: { kind: 'freeze', afterActions: 1 } },
      { type: 'card.read-ok', certificate: CERT, pinTriesLeft: 3 },
    );
    expect(stuck.session?.awaiting).toBe('challenge');
    expect(s.faults.frozen).toBe(true);
    const frozenAwaiting = run(stuck, { type: 'choose.face' });
    expect(frozenAwaiting.faults.frozen).toBe(true);
    expect(frozenAwaiting.session?.awaiting).toBe('challenge');
  });

  it('reboot unfreezes', () => {
    const s = run(authSelect(), { type: 'fault.inject', fault: { kind: 'freeze', afterActions: 0 } }, reboot, bootDone);
    expect(s.screen).toBe('idle');
    expect(screenOf(s).frozen).toBeUndefined();
  });
});

describe('link lost (F15, N32)', () => {
  it('link.down while frozen keeps the frozen screen but remembers the link', () => {
    const s = run(authSelect(), { type: 'fault.inject', fault: { kind: 'freeze', afterActions: 0 } }, { type: 'link.down' });
    expect(s.screen).toBe('auth-select');
    expect(s.linkUp).toBe(false);
  });

  it('link.down in visual mode → link-down; link.up → idle-visual (mode kept)', () => {
    const s = run(idle(), { v: 1, type: 'mode.set', mode: 'visual' }, { type: 'link.down' });
    expect(s.screen).toBe('link-down');
    expect(run(s, { type: 'link.up' }).screen).toBe('idle-visual');
  });
});

describe('camera unavailable (F27)', () => {
  it('choose.face is refused with a message; the PIN stays available', () => {
    const s = run(authSelect(), { type: 'fault.inject', fault: { kind: 'camera-unavailable' } });
    const r = step(s, { type: 'choose.face' });
    expect(r.state.screen).toBe('auth-select');
    expect(screenOf(r.state)).toMatchObject({
      message: 'カメラが使用できません。暗証番号を選ぶか、受付にお声がけください',
      faceAvailable: false,
      pinAvailable: true,
    });
    expect(step(r.state, { type: 'choose.face' }).state).toBe(r.state);
    expect(run(r.state, { type: 'choose.pin' }).screen).toBe('pin-entry');
  });

  it('on the face screen → back to auth-select', () => {
    const s = run(authSelect(), { type: 'choose.face' }, { type: 'fault.inject', fault: { kind: 'camera-unavailable' } });
    expect(s.screen).toBe('auth-select');
  });

  it('reboot restores the camera', () => {
    const s = run(idle(), { type: 'fault.inject', fault: { kind: 'camera-unavailable' } }, reboot, bootDone);
    expect(s.faults.cameraUnavailable).toBe(false);
  });
});
