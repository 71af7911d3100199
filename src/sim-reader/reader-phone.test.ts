/**
 * The smartphone flow with real phones (the card simulator's Android JPKIAPGPSETOKEN and iPhone
 * with biometric unlock) against the real terminal and central: the phone signs the challenge,
 * central accepts it, the consent runs on the face-auth reader.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startMiniRig, type MiniRig } from '../../tests/browser/mini-rig.js';

let rig: MiniRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const PERSONAS = [
  { id: 'android', name: '佐藤　花子', pin: '2468', token: 'android' as const },
  { id: 'iphone', name: '鈴木　一郎', pin: '1357', token: 'iphone' as const },
  { id: 'iphone-fails', name: '高橋　次郎', pin: '1357', token: 'iphone' as const, biometric: 'fails' as const },
  { id: 'card', name: '山田　太郎', pin: '1234' },
];

describe('smartphone through the general-purpose reader', () => {
  it('Android with its 4-digit PIN: accepted by central, consent on the reader, done', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    const { reader } = rig;
    await reader.placePhone({ carrier: 'android', phone: rig.cards.get('android')!, pin: '2468', holderName: '佐藤　花子' });
    expect(reader.screen()).toMatchObject({ screen: 'consent-bulk', name: '佐藤　花子' });
    await reader.dispatch({ type: 'consent.agree-all' });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('done');
  });

  it('Android with a wrong PIN: phone-pin with 2 tries left, then the right PIN passes', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    const { reader } = rig;
    await reader.placePhone({ carrier: 'android', phone: rig.cards.get('android')!, pin: '0000' });
    expect(reader.screen()).toMatchObject({ screen: 'phone-pin', triesLeft: 2, message: '暗証番号が違います。残り2回です' });
    await reader.dispatch({ type: 'pin.entered', pin: '2468' });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('consent-bulk');
  });

  it('a My Number card held as an Android phone is refused: E-phone (EF 0006 is not JPKIAPGPSETOKEN)', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    const { reader } = rig;
    await reader.placePhone({ carrier: 'android', phone: rig.cards.get('card')!, pin: '1234' });
    expect(reader.screen()).toMatchObject({ screen: 'error', errorCode: 'E-phone' });
  });

  it('iPhone with biometric unlock: no PIN, accepted, consent, done', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    const { reader } = rig;
    await reader.placePhone({ carrier: 'iphone', phone: rig.cards.get('iphone')! });
    expect(reader.screen().screen).toBe('consent-bulk');
    await reader.dispatch({ type: 'consent.individually' });
    for (const agree of [true, false, true, false]) await reader.dispatch({ type: 'consent.item', agree });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('done');
  });

  it('iPhone whose biometric check fails: back to phone-wait-tap with the retry message', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    const { reader } = rig;
    await reader.placePhone({ carrier: 'iphone', phone: rig.cards.get('iphone-fails')! });
    expect(reader.screen()).toMatchObject({ screen: 'phone-wait-tap', message: 'iPhoneの認証ができませんでした。もう一度認証してからかざしてください' });
  });

  it('an Android phone chosen as iPhone: its biometric unlock answers false → phone-wait-tap again', async () => {
    rig = await startMiniRig({ personas: PERSONAS });
    const { reader } = rig;
    await reader.placePhone({ carrier: 'iphone', phone: rig.cards.get('android')! });
    expect(reader.screen().screen).toBe('phone-wait-tap');
  });
});
