/**
 * A real PIN-less card (顔認証マイナンバーカード, src/sim-card) through the reader runtime, the
 * terminal and central: the reader reads the certificate, hears 69 84 to the tries-left query,
 * offers face only, refuses the PIN, and a face match reaches the consent screen.
 */
import { createPublicKey } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../domain/clock.js';
import { isoDate } from '../domain/dates.js';
import { EligibilityStore, startCentral } from '../sim-backend/central/index.js';
import { startTerminal, type Terminal } from '../sim-backend/terminal/index.js';
import { createMyNumberCard, createSimulatedJlis, getEcKeyPair, type MyNumberCard } from '../sim-card/index.js';
import { faceEmbedding } from './face-model.js';
import { SimReader } from './reader.js';

const READER_ID = 'reader-1';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.reverse()) await c().catch(() => undefined);
  closers.length = 0;
});

interface PinlessRig {
  reader: SimReader;
  terminal: Terminal;
  card: MyNumberCard;
}

/** J-LIS, one PIN-less card linked to an insured person, central, terminal and one reader. */
async function startPinlessRig(): Promise<PinlessRig> {
  const clock = new VirtualClock('2025-04-01T09:30:00+09:00');
  const jlis = await createSimulatedJlis();
  const card = await createMyNumberCard({
    jlis,
    pinless: true,
    authCertificate: { notBefore: '2024-01-10', notAfter: '2030-06-15' },
    keyLabel: 'pinless-reader-test',
  });
  const store = new EligibilityStore();
  store.addPerson({ id: 'hanako', name: '佐藤　花子', birthDate: isoDate('1948-02-03'), sex: 2 }, [
    {
      insurerNumber: '01130012',
      insurerName: '全国健康保険協会東京支部',
      insurerKind: 'kyokai',
      symbol: '12345678',
      number: '2001',
      branch: '00',
      relation: 'insured',
      cardClassification: '01',
      acquiredOn: isoDate('2010-04-01'),
      incomeClass: 'general',
    },
  ]);
  store.linkCertificate('hanako', card.authCertificateDer);
  const readerKey = await getEcKeyPair('reader-attestation-1');
  const readerSpki = new Uint8Array(createPublicKey(readerKey.privateKey).export({ type: 'spki', format: 'der' }));
  const central = await startCentral({ clock, store, trustAnchors: [jlis.authCaCertificateDer], readerKeys: { [READER_ID]: readerSpki } });
  closers.push(() => central.close());
  const terminal = await startTerminal({ clock, centralUrl: central.url, medicalInstitutionCode: '1311234567' });
  closers.push(() => terminal.close());
  const reader = new SimReader({ readerId: READER_ID, terminalUrl: terminal.readerUrl, attestationKey: readerKey });
  closers.push(() => reader.close());
  await reader.connect();
  return { reader, terminal, card };
}

describe('a real PIN-less card at the reader', () => {
  it('auth-select with pinAvailable false, the PIN refused, then a face match → consent-bulk', async () => {
    const { reader, terminal, card } = await startPinlessRig();
    expect(card.pinless).toBe(true);

    await reader.dispatch({ type: 'card.placed', card, holderName: '佐藤　花子', holderFace: faceEmbedding('hanako') });
    await reader.whenIdle();
    expect(reader.screen()).toEqual({
      screen: 'auth-select',
      message: 'このカードは暗証番号のないカードです。顔認証で本人確認してください',
      lines: ['このカードは暗証番号のないカードです。顔認証で本人確認してください'],
      pinAvailable: false,
      pinless: true,
      faceAvailable: true,
      triesLeft: 0,
    });
    // Not a locked card: no reader.notice (pin-locked or other) reached the terminal's outbox.
    await reader.sync();
    expect(terminal.outboxSize()).toBe(0);

    await reader.dispatch({ type: 'choose.pin' });
    expect(reader.screen()).toMatchObject({
      screen: 'auth-select',
      message: 'このカードには暗証番号が設定されていません。顔認証を選ぶか、受付にお声がけください',
      pinAvailable: false,
    });

    await reader.dispatch({ type: 'choose.face' });
    expect(reader.screen().screen).toBe('face-capture');
    await reader.dispatch({ type: 'face.presented', persona: 'hanako' });
    await reader.whenIdle();
    expect(reader.screen()).toMatchObject({ screen: 'consent-bulk', name: '佐藤　花子' });
    // The PIN counter of the card was never touched (no VERIFY with a PIN was sent).
    expect(card.authPinTriesLeft).toBe(3);
  });
});
