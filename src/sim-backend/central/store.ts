import type { Clock, Person } from '../../domain/index.js';
import { parsedCertificate } from './certificate-cache.js';
import { normalizeSerialHex } from './certificate-der.js';
import type { QualificationRecord } from './qualification-result.js';

/** What J-LIS says about a certificate besides its dates (失効 / 一時停止). */
export type CertificateRegistryState = 'active' | 'revoked' | 'suspended';

export interface EligibilityRecord {
  person: Person;
  qualifications: readonly QualificationRecord[];
  /** 健康保険証利用登録: without it the card identifies the person but yields no qualification. */
  registered: boolean;
}

/** What an insurance card (or 資格確認書) says, as a check by card data sends it (oqs-interface.md §2.2). */
export interface InsuredCardKey {
  /** 6–8 digits; spaces of the 8-character field are ignored. */
  insurerNumber: string;
  symbol?: string;
  number: string;
  /** When absent or empty, any 枝番 matches. */
  branch?: string;
}

export interface InsuredCardMatch {
  record: EligibilityRecord;
  qualification: QualificationRecord;
}

/**
 * A read-only block of people kept outside the store's maps (e.g. a generated population held in
 * columns, population.ts), so that a million people fit in little memory. Records are made on demand.
 */
export interface EligibilitySegment {
  readonly size: number;
  get(personId: string): EligibilityRecord | undefined;
  /** Records whose qualification has this insurer + 記号 + 番号 (+ 枝番 when given). */
  findByInsuredCard(card: InsuredCardKey): InsuredCardMatch[];
  /**
   * Every person of the segment, each record made as the caller reaches it (never all at once).
   * With `filter`, the segment may leave out records that cannot match (e.g. skip a whole
   * population that holds no 公費); the store checks the filter again, so leaving in is safe.
   */
  people(filter?: PeopleFilter): Iterable<EligibilityRecord>;
}

/** Which people a listing needs; an empty filter lists everyone. */
export interface PeopleFilter {
  /** Only people with a qualification that carries 公費 (`publicExpense`, e.g. 医療扶助). */
  publicExpense?: boolean;
}

/** Whether a record passes a PeopleFilter. */
export function matchesPeopleFilter(record: EligibilityRecord, filter: PeopleFilter): boolean {
  return !filter.publicExpense || record.qualifications.some((q) => q.publicExpense !== undefined);
}

/** A state other than active set with setCertificateState, and when J-LIS set it. */
export interface CertificateStateEntry {
  state: Exclude<CertificateRegistryState, 'active'>;
  /** epoch ms on the virtual clock when the state was set (OCSP revocationTime); absent when not known. */
  setAt?: number;
}

export interface EligibilityStoreOptions {
  /** Dates certificate states set without an explicit instant (setCertificateState). */
  clock?: Clock;
}

export interface AddPersonOptions {
  /** 健康保険証利用登録; default true. */
  registered?: boolean;
}

/**
 * The central system's in-memory view of people, their qualification records and the
 * certificates J-LIS has linked to them. A certificate is found by issuer DN + serial number,
 * the pair that identifies it uniquely (RFC 5280 §4.1.2.2), as the real link does.
 */
export class EligibilityStore {
  readonly #records = new Map<string, EligibilityRecord>();
  /** certificate key → person id */
  readonly #links = new Map<string, string>();
  /** certificate key → state other than active */
  readonly #certificateStates = new Map<string, Exclude<CertificateRegistryState, 'active'>>();
  /** The same states by issuer + normalised serial, with when they were set, for OCSP (certificateStateEntryBySerial). */
  readonly #certificateStatesBySerial = new Map<string, CertificateStateEntry>();
  /** insurer + 記号 + 番号 → person ids holding such a record (保険者番号 + 記号・番号, the real key). */
  readonly #cards = new Map<string, string[]>();
  readonly #segments: EligibilitySegment[] = [];
  /** J-LIS revocation learnt from CRLs (crl.ts); consulted when no explicit state is set. */
  #revocation: { stateOf(certificateDer: Uint8Array): CertificateRegistryState } | undefined;
  readonly #clock: Clock | undefined;

  constructor(opts: EligibilityStoreOptions = {}) {
    this.#clock = opts.clock;
  }

  /** Where certificate states come from besides setCertificateState: the loaded J-LIS CRLs. */
  useRevocationSource(source: { stateOf(certificateDer: Uint8Array): CertificateRegistryState }): void {
    this.#revocation = source;
  }

  /**
   * Adds a block of people held elsewhere. People added with addPerson (or changed with
   * setRegistered) win over a segment's record of the same id.
   */
  addSegment(segment: EligibilitySegment): void {
    this.#segments.push(segment);
  }

  addPerson(person: Person, qualifications: QualificationRecord[], opts: AddPersonOptions = {}): void {
    if (this.get(person.id)) {
      throw new Error(`EligibilityStore.addPerson: person "${person.id}" is already in the store; use a unique id per person`);
    }
    this.#records.set(person.id, {
      person,
      qualifications: [...qualifications],
      registered: opts.registered ?? true,
    });
    for (const q of qualifications) {
      const key = cardKey({ insurerNumber: q.insurerNumber, symbol: q.symbol, number: q.number });
      const ids = this.#cards.get(key) ?? [];
      if (!ids.includes(person.id)) ids.push(person.id);
      this.#cards.set(key, ids);
    }
  }

  /** Records named by insurance-card data; the birth date is the caller's to compare. */
  findByInsuredCard(card: InsuredCardKey): InsuredCardMatch[] {
    const matches: InsuredCardMatch[] = [];
    const key = cardKey(card);
    const branch = card.branch?.trim() ?? '';
    for (const id of this.#cards.get(key) ?? []) {
      const record = this.#records.get(id);
      if (!record) continue;
      for (const q of record.qualifications) {
        if (cardKey({ insurerNumber: q.insurerNumber, symbol: q.symbol, number: q.number }) !== key) continue;
        if (branch !== '' && (q.branch ?? '') !== branch) continue;
        matches.push({ record, qualification: q });
      }
    }
    for (const segment of this.#segments) {
      // setRegistered copies a segment's person into the map: answer with that copy.
      for (const m of segment.findByInsuredCard(card)) matches.push({ record: this.#records.get(m.record.person.id) ?? m.record, qualification: m.qualification });
    }
    return matches;
  }

  /**
   * Every person once, as get() would answer for their id: people added with addPerson (and
   * segment people changed by setRegistered) first, in the order added, then each segment's other
   * people in the segment's order. A generator: segment records are made one at a time as the
   * caller iterates, so listing a million-person population never holds them all (stop early by
   * leaving the loop). People added while iterating may or may not be listed.
   */
  *people(filter: PeopleFilter = {}): Generator<EligibilityRecord, void, undefined> {
    for (const record of this.#records.values()) if (matchesPeopleFilter(record, filter)) yield record;
    for (const [k, segment] of this.#segments.entries()) {
      for (const record of segment.people(filter)) {
        const id = record.person.id;
        // get() answers the map first, then the first segment holding the id.
        if (this.#records.has(id) || (k > 0 && this.#segments.slice(0, k).some((s) => s.get(id) !== undefined))) continue;
        if (matchesPeopleFilter(record, filter)) yield record;
      }
    }
  }

  /** Number of people in the store (a segment's person overridden by setRegistered counts once). */
  size(): number {
    let overridden = 0;
    if (this.#segments.length > 0) for (const id of this.#records.keys()) if (this.#segments.some((s) => s.get(id))) overridden++;
    return this.#records.size + this.#segments.reduce((n, s) => n + s.size, 0) - overridden;
  }

  get(personId: string): EligibilityRecord | undefined {
    const own = this.#records.get(personId);
    if (own || this.#segments.length === 0) return own;
    for (const segment of this.#segments) {
      const record = segment.get(personId);
      if (record) return record;
    }
    return undefined;
  }

  /** 健康保険証利用登録 done (or cancelled) after the person was added, e.g. on the reader. */
  setRegistered(personId: string, registered: boolean): void {
    const record = this.#require(personId, 'setRegistered');
    this.#records.set(personId, { ...record, registered });
  }

  linkCertificate(personId: string, certificateDer: Uint8Array): void {
    this.#require(personId, 'linkCertificate');
    this.#links.set(certificateKey(certificateDer, 'linkCertificate'), personId);
  }

  /** The record linked to this certificate, or undefined when J-LIS knows no link. */
  findByCertificate(certificateDer: Uint8Array): EligibilityRecord | undefined {
    let key: string;
    try {
      key = certificateKey(certificateDer, 'findByCertificate');
    } catch {
      return undefined;
    }
    const personId = this.#links.get(key);
    return personId === undefined ? undefined : this.get(personId);
  }

  /**
   * Revoke or suspend a certificate (lost card, 一時停止), or make it active again. `at` (epoch ms,
   * virtual clock) is when J-LIS set the state, which OCSP reports as revocationTime; default the
   * store's clock, if it has one. Setting the same state again without `at` keeps the first instant.
   */
  setCertificateState(certificateDer: Uint8Array, state: CertificateRegistryState, at?: number): void {
    const key = certificateKey(certificateDer, 'setCertificateState');
    const bySerial = serialKey(key);
    if (state === 'active') {
      this.#certificateStates.delete(key);
      this.#certificateStatesBySerial.delete(bySerial);
      return;
    }
    const previous = this.#certificateStatesBySerial.get(bySerial);
    const setAt = at ?? (previous?.state === state ? previous.setAt : undefined) ?? this.#clock?.now();
    this.#certificateStates.set(key, state);
    this.#certificateStatesBySerial.set(bySerial, setAt === undefined ? { state } : { state, setAt });
  }

  /**
   * A state set with setCertificateState, found the way OCSP names a certificate: issuer Name DER
   * (hex) and serial (hex; case and sign bytes ignored). Undefined when none was set: the CRLs
   * answer then.
   */
  certificateStateBySerial(issuerNameHex: string, serialHex: string): Exclude<CertificateRegistryState, 'active'> | undefined {
    return this.certificateStateEntryBySerial(issuerNameHex, serialHex)?.state;
  }

  /** certificateStateBySerial with the instant the state was set (OCSP revocationTime). */
  certificateStateEntryBySerial(issuerNameHex: string, serialHex: string): CertificateStateEntry | undefined {
    return this.#certificateStatesBySerial.get(`${issuerNameHex.toLowerCase()}#${normalizeSerialHex(serialHex)}`);
  }

  certificateState(certificateDer: Uint8Array): CertificateRegistryState {
    let key: string;
    try {
      key = certificateKey(certificateDer, 'certificateState');
    } catch {
      return 'active';
    }
    return this.#certificateStates.get(key) ?? this.#revocation?.stateOf(certificateDer) ?? 'active';
  }

  #require(personId: string, where: string): EligibilityRecord {
    const record = this.get(personId);
    if (!record) {
      throw new Error(`EligibilityStore.${where}: no person "${personId}" in the store; call addPerson first`);
    }
    return record;
  }
}

function cardKey(card: InsuredCardKey): string {
  return `${card.insurerNumber.trim()}|${card.symbol?.trim() ?? ''}|${card.number.trim()}`;
}

/** issuerAndSerialKey (issuer hex # serial hex) with the serial normalised. */
function serialKey(issuerSerialKey: string): string {
  const hash = issuerSerialKey.indexOf('#');
  return `${issuerSerialKey.slice(0, hash).toLowerCase()}#${normalizeSerialHex(issuerSerialKey.slice(hash + 1))}`;
}

function certificateKey(der: Uint8Array, where: string): string {
  return parsedCertificate(der, `EligibilityStore.${where}`).issuerSerialKey;
}
