/**
 * The terminal's consent and smartphone rules with the real pieces around it: simulated J-LIS,
 * cards and phones with real APDUs, central with its consent registry, and the SimReader runtime.
 * (Test files may import across simulators; the modules never do.)
 */
import { createPublicKey } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../domain/clock.js';
import { isoDate } from '../../domain/dates.js';
import { ConsentRegistry } from '../central/consent-registry.js';
import { EligibilityStore, startCentral } from '../central/index.js';
import { createMyNumberCard, createSimulatedJlis, getEcKeyPair, type MyNumberCard } from '../../sim-card/index.js';
import { SimReader } from '../../sim-reader/index.js';
import { startTerminal, type TerminalOptions } from './server.js';

const READER_ID = 'reader-1';
const FACILITY = '1311234567';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!().catch(() => undefined);
});

interface Holder {
  id: string;
  pin: string;
  token: 'card' | 'android' | 'iphone';
  /** Last day of the user-authentication certificate. */
  notAfter: string;
}

async function rig(holders: Holder[], terminalOptions: Partial<TerminalOptions> = {}): Promise<{ reader: SimReader; cards: Map<string, MyNumberCard>; consents: ConsentRegistry }> {
  const clock = new VirtualClock('2025-04-01T09:30:00+09:00');
  const jlis = await createSimulatedJlis();
  const store = new EligibilityStore();
  const cards = new Map<string, MyNumberCard>();
  for (const [i, h] of holders.entries()) {
    const card = await createMyNumberCard({
      jlis,
      authPin: h.pin,
      authPinTriesLeft: 3,
      authCertificate: { notBefore: '2020-04-01', notAfter: h.notAfter },
      keyLabel: `persona-card-${i + 1}`,
      ...(h.token !== 'card' ? { token: h.token } : {}),
    });
    cards.set(h.id, card);
    store.addPerson({ id: h.id, name: '架空　花子', birthDate: isoDate('1985-06-15'), sex: 2 }, [
      {
        insurerNumber: '01130012',
        insurerName: '全国健康保険協会東京支部',
        insurerKind: 'kyokai',
        symbol: '12345678',
        number: String(1001 + i),
        branch: '00',
        relation: 'insured',
        cardClassification: '01',
        acquiredOn: isoDate('2010-04-01'),
        incomeClass: 'general',
      },
    ]);
    store.linkCertificate(h.id, card.authCertificateDer);
  }
  const readerKey = await getEcKeyPair('reader-attestation-1');
  const readerSpki = new Uint8Array(createPublicKey(readerKey.privateKey).export({ type: 'spki', format: 'der' }));
  const consents = new ConsentRegistry();
  const central = await startCentral({ clock, store, consents, trustAnchors: [jlis.authCaCertificateDer], readerKeys: { [READER_ID]: readerSpki } });
  closers.push(() => central.close());
  const terminal = await startTerminal({ clock, centralUrl: central.url, medicalInstitutionCode: FACILITY, ...terminalOptions });
  closers.push(() => terminal.close());
  const reader = new SimReader({ readerId: READER_ID, terminalUrl: terminal.readerUrl, attestationKey: readerKey, clock });
  closers.push(() => reader.close());
  await reader.connect();
  return { reader, cards, consents };
}

describe('資格確認限定型 end to end (terminal qualificationOnly)', () => {
  it('the reader shows no consent screen, the check completes, and central records no consent item', async () => {
    const { reader, cards, consents } = await rig([{ id: 'hanako', pin: '1234', token: 'card', notAfter: '2030-06-15' }], { qualificationOnly: true });
    await reader.dispatch({ type: 'card.placed', card: cards.get('hanako')! });
    await reader.whenIdle();
    await reader.dispatch({ type: 'choose.pin' });
    await reader.dispatch({ type: 'pin.entered', pin: '1234' });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('done');
    expect(consents.consents().map((c) => [c.personId, c.medicalInstitutionCode, c.items])).toEqual([
      ['hanako', '1311234567', { diagnosis: false, pharmacy: false, checkup: false, operation: false }],
    ]);
  });
});

describe('a smartphone in the certificate grace period (reader-flow F25) end to end', () => {
  // Certificate last day 2025-03-15; on 2025-04-01 it is in the 3-month grace (rules.md §2.2).
  const HOLDERS: Holder[] = [
    { id: 'android', pin: '2468', token: 'android', notAfter: '2025-03-15' },
    { id: 'card', pin: '1234', token: 'card', notAfter: '2025-03-15' },
  ];

  it('the Android phone is refused with E-phone; no consent is recorded', async () => {
    const { reader, cards, consents } = await rig(HOLDERS);
    await reader.placePhone({ carrier: 'android', phone: cards.get('android')!, pin: '2468' });
    await reader.whenIdle();
    expect(reader.screen()).toMatchObject({ screen: 'error', errorCode: 'E-phone' });
    expect(consents.consents()).toEqual([]);
  });

  it('the physical card with the same expiry goes on to the consent screens', async () => {
    const { reader, cards } = await rig(HOLDERS);
    await reader.dispatch({ type: 'card.placed', card: cards.get('card')! });
    await reader.whenIdle();
    await reader.dispatch({ type: 'choose.pin' });
    await reader.dispatch({ type: 'pin.entered', pin: '1234' });
    await reader.whenIdle();
    expect(reader.screen().screen).toBe('consent-bulk');
  });
});
