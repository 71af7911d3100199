import { createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import iconv from 'iconv-lite';
import { dirname, join, resolve } from 'node:path';
import { certificateExpiry } from '../domain/card-validity.js';
import { VirtualClock, jstDate } from '../domain/clock.js';
import { createRng } from '../domain/rng.js';
import { addYears, isoDate, type IsoDate } from '../domain/dates.js';
import type { Person, Qualification } from '../domain/person.js';
import { startCentral } from '../sim-backend/central/index.js';
import { ConsentRegistry, EligibilityStore, addDataset, generatePopulation, loadDataset, type DatasetPerson } from '../sim-backend/central/index.js';
import { startTerminal, type Terminal } from '../sim-backend/terminal/index.js';
import { createMyNumberCard, createSimulatedJlis, getEcKeyPair, type CreateMyNumberCardOptions, type MyNumberCard, type SimulatedJlis } from '../sim-card/index.js';
import { SimReader, type SimReaderOptions } from '../sim-reader/index.js';
import type { PersonaSpec, Scenario } from '../scenarios/schema.js';
import type { CardTransport } from '../protocol/card-transport.js';
import type { ClinicRecord } from '../protocol/reception-outcome.js';
import { readOqsXml } from '../protocol/oqs-xml.js';
import { tapTransport } from './apdu-log.js';
import { rememberingIssuer } from './issued-certificates.js';
import type { ResultFile } from './results.js';
import type { SutAdapter, SutSession } from './sut-adapter.js';
import { createTrafficLog, type TrafficLog } from './traffic-log.js';

/** One scenario's world: every role on its own loopback ports, one virtual clock. */
export interface Rig {
  clock: VirtualClock;
  cards: Map<string, MyNumberCard>;
  /** Each persona's card as the reader should get it: every APDU exchange goes to `traffic`. */
  transports: Map<string, CardTransport>;
  /** Card-face name of each persona, handed to the reader with the card (it shows it). */
  names: Map<string, string>;
  readerId: string;
  reader: SimReader;
  terminal: Terminal;
  centralUrl: string;
  sut: SutSession;
  /** What crossed the wire so far, masked. */
  traffic: TrafficLog;
  /** The J-LIS that issued this rig's cards (the scenario's own one when `central.crl` is set). */
  jlis: SimulatedJlis;
  /** The terminal's shared folder (face/, req/, res/). */
  folderRoot: string;
  medicalInstitutionCode: string;
  /**
   * Back-office state across steps: the last 一括照会 ReceptionNumber, and whether central released
   * medical information for the last `request-medical-info` step (absent before the first).
   */
  backOffice: {
    receptionNumber?: string;
    lastFetchReleased?: boolean;
    /** 居宅同意取得型 Web flow: the facility's URL token (home-link), each patient's last Web consent, central's answer to the last home-fetch. */
    homeLinkToken?: string;
    homeChecks?: Record<string, string>;
    homeQualification?: string;
  };
  /** Central's consent registry: consents (seeded previous ones included) and medical-info releases. */
  consents: ConsentRegistry;
  /** The persons of `central.dataset` by id (empty without one): a batch-check may name them. */
  datasetPersons: ReadonlyMap<string, DatasetPerson>;
  /** The result files the terminal has written to its face/ folder so far, as written. */
  resultFiles(): Promise<ResultFile[]>;
  close(): Promise<void>;
}

export interface RigOptions {
  /** Handed to the SUT with its endpoints (the remote protocol passes it on for its logs). */
  seed?: number;
  /** The scenario's file: `central.dataset` is relative to it. Default: the working directory. */
  scenarioFile?: string;
  /** Memory bounds of central for a long session (`myna-rig serve`); each defaults to central's own. */
  centralLimits?: CentralLimits;
}

/** What central remembers at most: a soak on a clock held still never ages anything out. */
export interface CentralLimits {
  /** Live card checks, and challenges, kept (CentralOptions.maxLiveChecks). */
  maxLiveChecks?: number;
  /** How long consents and releases are kept after their card check (ConsentRegistryOptions.retentionMs). */
  consentRetentionMs?: number;
  /** Consents (and releases, and latest consents per person + facility) kept (ConsentRegistryOptions.maxRecords). */
  maxConsents?: number;
}

const READER_ID = 'reader-1';

let jlisPromise: Promise<SimulatedJlis> | undefined;
/**
 * The simulated J-LIS is the same for every scenario in a process (its keys are cached anyway),
 * and so are the certificates it issued for the same key and validity (issued-certificates.ts).
 */
function sharedJlis(): Promise<SimulatedJlis> {
  jlisPromise ??= createSimulatedJlis().then(rememberingIssuer);
  return jlisPromise;
}

let readerSpkiPromise: Promise<{ key: Awaited<ReturnType<typeof getEcKeyPair>>; spki: Uint8Array }> | undefined;
/** The reader's attestation key and its SPKI DER (central's registered key), once per process. */
function readerAttestation(): Promise<{ key: Awaited<ReturnType<typeof getEcKeyPair>>; spki: Uint8Array }> {
  readerSpkiPromise ??= getEcKeyPair('reader-attestation-1').then((key) => ({
    key,
    spki: new Uint8Array(createPublicKey(key.privateKey).export({ type: 'spki', format: 'der' })),
  }));
  readerSpkiPromise.catch(() => (readerSpkiPromise = undefined));
  return readerSpkiPromise;
}

export function personFromSpec(key: string, spec: PersonaSpec): Person {
  const person: Person = { id: key, name: spec.name, birthDate: isoDate(spec.birthDate), sex: spec.sex };
  if (spec.nameKana !== undefined) person.nameKana = spec.nameKana;
  if (spec.address !== undefined) person.address = spec.address;
  return person;
}

export function qualificationsFromSpec(spec: PersonaSpec): Qualification[] {
  return spec.qualifications.map((q) => {
    const out: Qualification = {
      insurerNumber: q.insurerNumber,
      insurerName: q.insurerName,
      insurerKind: q.insurerKind,
      number: q.number,
      relation: q.relation,
      cardClassification: q.cardClassification,
      acquiredOn: isoDate(q.acquiredOn),
      incomeClass: q.incomeClass,
    };
    if (q.symbol !== undefined) out.symbol = q.symbol;
    if (q.branch !== undefined) out.branch = q.branch;
    if (q.insuredName !== undefined) out.insuredName = q.insuredName;
    if (q.lostOn !== undefined) out.lostOn = isoDate(q.lostOn);
    if (q.copayRatio !== undefined) out.copayRatio = q.copayRatio;
    if (q.limitCategory !== undefined) out.limitCategory = q.limitCategory as Qualification['limitCategory'];
    return out;
  });
}

/** Certificate validity of a persona: as written, or issued two years before the scenario date. */
export function certificateDates(spec: PersonaSpec, scenarioDate: IsoDate): { notBefore: IsoDate; notAfter: IsoDate } {
  const issuedOn = isoDate(spec.card.authCertificate?.issuedOn ?? spec.card.issuedOn ?? addYears(scenarioDate, -2));
  const expiresOn = spec.card.authCertificate?.expiresOn
    ? isoDate(spec.card.authCertificate.expiresOn)
    : certificateExpiry({ birthDate: isoDate(spec.birthDate), issuedOn });
  return { notBefore: issuedOn, notAfter: expiresOn };
}

/** The persona's optional card facts, as createMyNumberCard takes them (absent ones left out). */
export function cardExtras(spec: PersonaSpec): Partial<CreateMyNumberCardOptions> {
  const c = spec.card;
  const out: Partial<CreateMyNumberCardOptions> = {};
  if (c.token !== undefined) out.token = c.token;
  if (c.biometric !== undefined) out.biometric = c.biometric;
  if (c.myNumber !== undefined) out.myNumber = c.myNumber;
  if (c.issuedOn !== undefined) out.issuedOn = c.issuedOn;
  if (c.cardExpiresOn !== undefined) out.cardExpiresOn = c.cardExpiresOn;
  if (c.securityCode !== undefined) out.securityCode = c.securityCode;
  if (c.pinBFormat !== undefined) out.pinBFormat = c.pinBFormat;
  if (c.facePinATriesLeft !== undefined) out.facePinATriesLeft = c.facePinATriesLeft;
  if (c.facePinBTriesLeft !== undefined) out.facePinBTriesLeft = c.facePinBTriesLeft;
  return out;
}

/** The scenario's reader options, as SimReader takes them (absent ones left to the profile). */
export function readerOptions(reader: Scenario['reader']): Partial<SimReaderOptions> {
  const out: Partial<SimReaderOptions> = {};
  if (reader.faceLockAfter !== undefined) out.faceLockAfter = reader.faceLockAfter;
  if (reader.screenTimeoutS !== undefined) out.screenTimeoutS = reader.screenTimeoutS;
  if (reader.faceCaptureTimeoutS !== undefined) out.faceCaptureTimeoutS = reader.faceCaptureTimeoutS;
  if (reader.faceFailNext !== undefined) out.faceFailNext = reader.faceFailNext;
  if (reader.phoneReader !== undefined) out.phoneReader = reader.phoneReader;
  return out;
}

/** The scenario's `central` block as startCentral's `oqs` options (absent ones left to central). */
export function centralOqsOptions(scenario: Scenario): { oqs?: { bulkProcessingMs?: number; qualificationOnlyFacilities?: string[] } } {
  const c = scenario.central;
  if (!c || (c.bulkProcessingMs === undefined && !c.qualificationOnly)) return {};
  return {
    oqs: {
      ...(c.bulkProcessingMs !== undefined ? { bulkProcessingMs: c.bulkProcessingMs } : {}),
      ...(c.qualificationOnly ? { qualificationOnlyFacilities: [scenario.facility.medicalInstitutionCode] } : {}),
    },
  };
}

/** The scenario's `terminal.folders` settings as startTerminal's `folders` options (absent ones left to the terminal). */
export function terminalFolderOptions(scenario: Scenario): { bulkResultFormat?: 'xml' | 'zip' } {
  const format = scenario.terminal?.folders?.bulkResultFormat;
  return format !== undefined ? { bulkResultFormat: format } : {};
}

/**
 * `central.crlStalePolicy`: central's answer to a CRL past its nextUpdate, set the way an operator
 * would (PUT /admin/crl-policy, docs/protocols/backend-api.md "CRL freshness").
 */
export async function setCrlStalePolicy(centralUrl: string, policy: 'refuse' | 'warn'): Promise<void> {
  const response = await fetch(`${centralUrl}/admin/crl-policy`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ policy }) });
  if (response.status !== 200) throw new Error(`central.crlStalePolicy: PUT ${centralUrl}/admin/crl-policy {"policy":"${policy}"} answered HTTP ${response.status}: ${await response.text()}`);
}

/**
 * Each persona's `previousConsent` as a consent central recorded at an earlier visit (checkId
 * `prior-<persona>`), so the terminal can offer it on the carry-over screen (reader-flow K0/N15).
 */
export function seedPreviousConsents(scenario: Scenario, consents: ConsentRegistry): void {
  for (const [key, spec] of Object.entries(scenario.personas)) {
    const prior = spec.previousConsent;
    if (!prior) continue;
    consents.record({
      checkId: `prior-${key}`,
      personId: key,
      medicalInstitutionCode: prior.facility ?? scenario.facility.medicalInstitutionCode,
      items: { ...prior.items },
      at: Date.parse(prior.at),
      inGrace: false,
      method: prior.method,
    });
  }
}

/** The personas' `clinicRecord`s, as the SUT is handed them (absent when no persona has one). */
export function clinicRecordsOf(scenario: Scenario): { clinicRecords?: ClinicRecord[] } {
  const records = Object.values(scenario.personas).flatMap((p) => (p.clinicRecord ? [{ ...p.clinicRecord }] : []));
  return records.length > 0 ? { clinicRecords: records } : {};
}

export async function assembleRig(scenario: Scenario, adapter: SutAdapter, opts: RigOptions = {}): Promise<Rig> {
  const clock = new VirtualClock(scenario.at);
  const traffic = createTrafficLog();
  const scenarioDate = jstDate(clock.now());
  // A scenario that revokes certificates gets its own J-LIS (same cached CA keys): revocations
  // live in the J-LIS object and must not leak into the other scenarios of the process.
  const jlis = scenario.central?.crl === 'card-sim' ? await createSimulatedJlis() : await sharedJlis();
  // With the clock, a revocation or hold set on the store is dated (OCSP revocationTime).
  const store = new EligibilityStore({ clock });
  const datasetPersons = new Map<string, DatasetPerson>();
  if (scenario.central?.dataset !== undefined) {
    const base = opts.scenarioFile !== undefined ? dirname(opts.scenarioFile) : process.cwd();
    const dataset = await loadDataset(resolve(base, scenario.central.dataset));
    addDataset(store, dataset);
    for (const p of dataset.persons) datasetPersons.set(p.id, p);
  }
  if (scenario.central?.population !== undefined) store.addSegment(generatePopulation(scenario.central.population));
  const cards = new Map<string, MyNumberCard>();
  const names = new Map<string, string>();
  const transports = new Map<string, CardTransport>();

  let index = 0;
  for (const [key, spec] of Object.entries(scenario.personas)) {
    index += 1;
    const card = await createMyNumberCard({
      jlis,
      authPin: spec.card.pin,
      authPinTriesLeft: spec.card.pinTriesLeft,
      authCertificate: certificateDates(spec, scenarioDate),
      keyLabel: `persona-card-${index}`,
      state: spec.card.state,
      pinless: spec.card.pinless,
      holder: { name: spec.name, birthDate: spec.birthDate, sex: String(spec.sex) as '1' | '2' | '3', address: spec.address ?? '' },
      ...cardExtras(spec),
    });
    names.set(key, spec.name);
    cards.set(key, card);
    transports.set(key, tapTransport(card, (e) => traffic.apdu(e, clock.now())));
    store.addPerson(personFromSpec(key, spec), qualificationsFromSpec(spec), { registered: spec.registered });
    store.linkCertificate(key, card.authCertificateDer);
    if (spec.card.certificateStatus !== 'good') store.setCertificateState(card.authCertificateDer, spec.card.certificateStatus);
  }

  const { key: readerKey, spki: readerSpki } = await readerAttestation();

  const closers: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch {
        // Closing is best effort: a server that already died must not hide the real failure.
      }
    }
  };

  // The terminal's shared folder, so the result XML it writes to face/ can be shown as sent.
  const folderRoot = await mkdtemp(join(tmpdir(), 'myna-rig-terminal-'));
  closers.push(() => rm(folderRoot, { recursive: true, force: true }));
  const written: Array<{ name: string; step: number }> = [];

  const limits = opts.centralLimits ?? {};
  const consents = new ConsentRegistry({
    ...(limits.consentRetentionMs !== undefined ? { retentionMs: limits.consentRetentionMs } : {}),
    ...(limits.maxConsents !== undefined ? { maxRecords: limits.maxConsents } : {}),
  });
  seedPreviousConsents(scenario, consents);

  try {
    const central = await startCentral({
      consents,
      clock,
      store,
      trustAnchors: [jlis.authCaCertificateDer],
      readerKeys: { [READER_ID]: readerSpki },
      graceEnd: scenario.options.certGraceEnd,
      faults: scenario.faults,
      rng: createRng(opts.seed ?? 1).fork('central'),
      ...(limits.maxLiveChecks !== undefined ? { maxLiveChecks: limits.maxLiveChecks } : {}),
      onTraffic: (e) => traffic.fromCentral(e),
      ...centralOqsOptions(scenario),
      ...(scenario.central?.crl === 'card-sim' ? { crl: await jlis.crlDer(clock.now()) } : {}),
    });
    closers.push(() => central.close());
    if (scenario.central?.crlStalePolicy !== undefined) await setCrlStalePolicy(central.url, scenario.central.crlStalePolicy);
    const terminal = await startTerminal({
      clock,
      centralUrl: central.url,
      medicalInstitutionCode: scenario.facility.medicalInstitutionCode,
      onTraffic: (e) => traffic.fromTerminal(e),
      folders: { root: folderRoot, ...terminalFolderOptions(scenario) },
      ...(scenario.central?.qualificationOnly ? { qualificationOnly: true } : {}),
      ...(scenario.options.carryoverFrom !== undefined ? { carryoverFrom: scenario.options.carryoverFrom } : {}),
      onFolderEvent: (e) => {
        if (e.kind === 'face-written') written.push({ name: e.file, step: traffic.step });
      },
    });
    closers.push(() => terminal.close());
    const resultFiles = async (): Promise<ResultFile[]> => {
      const out: ResultFile[] = [];
      for (const w of written) {
        const path = join(folderRoot, 'face', w.name);
        const bytes = await readFile(path).catch(() => undefined);
        if (!bytes) continue;
        const read = readOqsXml(bytes);
        const encoding = read.ok ? read.encoding : 'utf8';
        const text = encoding === 'cp932' ? iconv.decode(bytes, 'cp932') : bytes.toString('utf8');
        out.push({ folder: 'face', name: w.name, bytes: (await stat(path)).size, encoding, text, step: w.step });
      }
      return out;
    };
    const sut = await adapter.start({
      receptionUrl: terminal.receptionUrl,
      terminalUrl: terminal.url,
      scenarioId: scenario.id,
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      ...clinicRecordsOf(scenario),
    });
    closers.push(() => sut.close());
    const reader = new SimReader({
      readerId: READER_ID,
      vendor: scenario.reader.profile,
      profile: scenario.reader.profile,
      faults: scenario.reader.faults,
      terminalUrl: terminal.readerUrl,
      attestationKey: readerKey,
      log: (text) => traffic.readerLog(text, clock.now()),
      clock,
      ...readerOptions(scenario.reader),
    });
    reader.onTimeout((t) => traffic.readerTimeout(t));
    await reader.connect();
    closers.push(() => reader.close());
    return {
      clock,
      cards,
      transports,
      names,
      readerId: READER_ID,
      reader,
      terminal,
      centralUrl: central.url,
      sut,
      traffic,
      jlis,
      folderRoot,
      medicalInstitutionCode: scenario.facility.medicalInstitutionCode,
      backOffice: {},
      consents,
      datasetPersons,
      resultFiles,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
