/**
 * Reader timing options from profiles or options (faceLockAfter, screenTimeoutS,
 * faceCaptureTimeoutS) and the runtime's timeout event after the virtual clock advances.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startMiniRig, type MiniRig } from '../../tests/browser/mini-rig.js';
import { readerProfile } from './profiles/index.js';
import { SimReader, type ReaderTimeout } from './reader.js';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const base = readerProfile('generic');
const offline = (extra: Partial<ConstructorParameters<typeof SimReader>[0]> = {}) =>
  new SimReader({ readerId: 'r9', terminalUrl: 'ws://127.0.0.1:1/reader', attestationKey: key, ...extra });

describe('options from the profile', () => {
  it('defaults: face lock after 10, screen timeout 60 s, capture timeout 30 s', () => {
    expect(offline().machineState().config).toMatchObject({ faceLockAfter: 10, screenTimeoutS: 60, faceCaptureTimeoutS: 30 });
  });

  it("a profile's faceLockAfter, screenTimeoutS and faceCaptureTimeoutS are used", () => {
    const profile = { ...base, quirks: { ...base.quirks, faceLockAfter: 5 }, timings: { ...base.timings, screenTimeoutS: 90, faceCaptureTimeoutS: 12 } };
    expect(offline({ profile }).machineState().config).toMatchObject({ faceLockAfter: 5, screenTimeoutS: 90, faceCaptureTimeoutS: 12 });
  });

  it('options win over the profile', () => {
    const profile = { ...base, quirks: { ...base.quirks, faceLockAfter: 5 }, timings: { ...base.timings, screenTimeoutS: 90, faceCaptureTimeoutS: 12 } };
    const r = offline({ profile, faceLockAfter: 0, screenTimeoutS: 15, faceCaptureTimeoutS: 7 });
    expect(r.machineState().config).toMatchObject({ faceLockAfter: 0, screenTimeoutS: 15, faceCaptureTimeoutS: 7 });
  });

  it('a profile with an out-of-range faceLockAfter is refused by the schema', async () => {
    const { loadProfile } = await import('./profiles/index.js');
    expect(() => loadProfile({ ...base, id: 'bad', quirks: { ...base.quirks, faceLockAfter: -1 } })).toThrow(/quirks\.faceLockAfter/);
  });

  it('phoneReader false: choose.phone is ignored on idle', async () => {
    const r = offline({ phoneReader: false });
    expect(r.machineState().config.phoneReader).toBe(false);
    expect(offline().machineState().config.phoneReader).toBe(true);
  });

  it('tick() without a time and without a clock throws saying what to pass', async () => {
    await expect(offline().tick()).rejects.toThrow('SimReader r9: tick() needs a time: pass now, or give the reader a clock option');
  });
});

describe('timeout events after the virtual clock advances', () => {
  let rig: MiniRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('screen timeout: auth-select left for screenTimeoutS → idle, session.ended timeout, onTimeout screen-timeout', async () => {
    rig = await startMiniRig({ personas: [{ id: 'taro', name: '山田　太郎', pin: '1234' }], reader: { screenTimeoutS: 20 } });
    const { reader, clock } = rig;
    const events: ReaderTimeout[] = [];
    reader.onTimeout((t) => events.push(t));
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('auth-select');
    await reader.tick();
    clock.advance(19_999);
    await reader.tick();
    expect(events).toEqual([]);
    clock.advance(1);
    await reader.tick();
    expect(reader.screen().screen).toBe('idle');
    expect(events).toEqual([{ kind: 'screen-timeout', screen: 'auth-select', sessionId: 'reader-1-s1', at: clock.now() }]);
  });

  it('capture timeout: face-capture without a frame for faceCaptureTimeoutS → a counted failure and onTimeout capture-timeout', async () => {
    rig = await startMiniRig({ personas: [{ id: 'taro', name: '山田　太郎', pin: '1234' }], reader: { faceCaptureTimeoutS: 10 } });
    const { reader, clock } = rig;
    const events: ReaderTimeout[] = [];
    reader.onTimeout((t) => events.push(t));
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    await reader.whenIdle();
    await reader.dispatch({ type: 'choose.face' });
    await reader.tick();
    clock.advance(10_000);
    await reader.tick();
    expect(events).toEqual([{ kind: 'capture-timeout', screen: 'face-capture', sessionId: 'reader-1-s1', at: clock.now() }]);
    expect(reader.screen()).toMatchObject({ screen: 'face-capture', message: '顔を確認できませんでした。もう一度カメラの正面に顔を向けてください' });
  });

  it('maintenance through the runtime: a placed card is refused and not read; closeMaintenance → idle', async () => {
    rig = await startMiniRig({ personas: [{ id: 'taro', name: '山田　太郎', pin: '1234' }], reader: { faults: [{ kind: 'maintenance', reason: 'settings' }] } });
    const { reader } = rig;
    expect(reader.screen().screen).toBe('maintenance');
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    await reader.whenIdle();
    expect(reader.screen()).toMatchObject({ screen: 'maintenance', message: 'メンテナンス中のためカードを読み取れません。受付にお声がけください' });
    await reader.closeMaintenance();
    expect(reader.screen().screen).toBe('idle');
    await reader.dispatch({ type: 'card.placed', card: rig.cards.get('taro')! });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('auth-select');
  });
});
