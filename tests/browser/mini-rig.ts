/**
 * A small real rig for reader tests: simulated J-LIS, My Number cards (real APDUs and X.509),
 * central with its eligibility store, the terminal, and one SimReader — the same pieces
 * src/runner/rig.ts assembles, without a reception (the terminal keeps its results in its outbox).
 */
import { createPublicKey } from 'node:crypto';
import { VirtualClock } from '../../src/domain/clock.js';
import { isoDate } from '../../src/domain/dates.js';
import { EligibilityStore, startCentral } from '../../src/sim-backend/central/index.js';
import { startTerminal, type Terminal } from '../../src/sim-backend/terminal/index.js';
import { createMyNumberCard, createSimulatedJlis, getEcKeyPair, type MyNumberCard } from '../../src/sim-card/index.js';
import { SimReader, type SimReaderOptions } from '../../src/sim-reader/index.js';

export interface MiniPersona {
  id: string;
  /** 氏名 as on the card face (family and given name separated by U+3000). */
  name: string;
  pin: string;
  pinTriesLeft?: number;
  /** What carries the JPKI: the card (default), an Android phone or an iPhone (smartphone flow). */
  token?: 'card' | 'android' | 'iphone';
  /** iPhone: whether Face ID / Touch ID succeeds. */
  biometric?: 'succeeds' | 'fails';
}

export interface MiniRig {
  clock: VirtualClock;
  reader: SimReader;
  terminal: Terminal;
  cards: Map<string, MyNumberCard>;
  personas: Map<string, MiniPersona>;
  close(): Promise<void>;
}

export const MINI_READER_ID = 'reader-1';

export async function startMiniRig(opts: {
  personas: MiniPersona[];
  at?: string;
  reader?: Partial<Pick<SimReaderOptions, 'profile' | 'faults' | 'faceFailuresBeforeAuthSelect' | 'snapshotLimit' | 'faceLockAfter' | 'faceCaptureTimeoutS' | 'screenTimeoutS'>>;
}): Promise<MiniRig> {
  const clock = new VirtualClock(opts.at ?? '2025-04-01T09:30:00+09:00');
  const jlis = await createSimulatedJlis();
  const store = new EligibilityStore();
  const cards = new Map<string, MyNumberCard>();
  const personas = new Map<string, MiniPersona>();
  let index = 0;
  for (const p of opts.personas) {
    index += 1;
    const card = await createMyNumberCard({
      jlis,
      authPin: p.pin,
      authPinTriesLeft: p.pinTriesLeft ?? 3,
      authCertificate: { notBefore: '2023-04-01', notAfter: '2030-06-15' },
      keyLabel: `persona-card-${index}`,
      ...(p.token !== undefined ? { token: p.token } : {}),
      ...(p.biometric !== undefined ? { biometric: p.biometric } : {}),
    });
    cards.set(p.id, card);
    personas.set(p.id, p);
    store.addPerson({ id: p.id, name: p.name, birthDate: isoDate('1985-06-15'), sex: 1 }, [
      {
        insurerNumber: '01130012',
        insurerName: '全国健康保険協会東京支部',
        insurerKind: 'kyokai',
        symbol: '12345678',
        number: String(1000 + index),
        branch: '00',
        relation: 'insured',
        cardClassification: '01',
        acquiredOn: isoDate('2010-04-01'),
        incomeClass: 'general',
      },
    ]);
    store.linkCertificate(p.id, card.authCertificateDer);
  }
  const readerKey = await getEcKeyPair('reader-attestation-1');
  const readerSpki = new Uint8Array(createPublicKey(readerKey.privateKey).export({ type: 'spki', format: 'der' }));

  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const central = await startCentral({ clock, store, trustAnchors: [jlis.authCaCertificateDer], readerKeys: { [MINI_READER_ID]: readerSpki } });
    closers.push(() => central.close());
    const terminal = await startTerminal({ clock, centralUrl: central.url, medicalInstitutionCode: '1311234567' });
    closers.push(() => terminal.close());
    const reader = new SimReader({ readerId: MINI_READER_ID, terminalUrl: terminal.readerUrl, attestationKey: readerKey, clock, ...opts.reader });
    closers.push(() => reader.close());
    await reader.connect();
    return { clock, reader, terminal, cards, personas, close };
  } catch (e) {
    await close();
    throw e;
  }
}
