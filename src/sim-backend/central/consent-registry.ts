import type { ConsentChoices } from '../../protocol/consent.js';
import type { ConsentMethod, MedicalInfoKind, MedicalInfoRefusalReason } from '../../protocol/central-api.js';
import { CONSENT_ACCESS_WINDOW_MS } from './qualification-result.js';

/** One consent as the reader registered it with a qualification answer after a card check. */
export interface ConsentRecord {
  checkId: string;
  personId: string;
  /** 医療機関コード of the facility whose reader took the consent. */
  medicalInstitutionCode: string;
  items: ConsentChoices;
  /** epoch ms on the virtual clock. */
  at: number;
  /**
   * The card's certificate was in its post-expiry grace: qualification only, no medical information
   * (rules.md §2.2), whatever the patient chose on the screens.
   */
  inGrace: boolean;
  /** How the patient gave it (central-api.ts ConsentMethod); absent = not known, never carried over. */
  method?: ConsentMethod;
}

/** One release of medical information: what a scenario asserts on ("none without consent"). */
export interface MedicalInfoRelease {
  at: number;
  personId: string;
  medicalInstitutionCode: string;
  kind: MedicalInfoKind;
  /** The card check whose consent allowed the release. */
  checkId: string;
}

export type ConsentDecision =
  | { allowed: true; consent: ConsentRecord; availableUntil: number }
  | { allowed: false; reason: MedicalInfoRefusalReason; message: string };

/** How long a consent (and a release) is kept after its card check, on the virtual clock: well past the 24 h window. */
export const DEFAULT_CONSENT_RETENTION_MS = 7 * 24 * 3600_000;
/** At most this many consents by check id (and as many releases, and latest consents per person + facility). */
export const DEFAULT_MAX_CONSENTS = 1_000_000;

export interface ConsentRegistryOptions {
  /** The access window after a consent (rules.md §2.3); default 24 hours. */
  windowMs?: number;
  /** Consents by check id and releases are forgotten once older than this; default DEFAULT_CONSENT_RETENTION_MS (7 days). */
  retentionMs?: number;
  /** Most consents by check id (releases, latest per person + facility) kept; the oldest recorded are forgotten first. Default 1,000,000. */
  maxRecords?: number;
}

/** What the registry knows of the consent of a card check named by id (POST /v1/medical-info by checkId). */
export type CheckConsent =
  | { state: 'kept'; consent: ConsentRecord }
  /** Past retention, or not kept while the registry has forgotten some: a random check id cannot tell "never seen" from "forgotten". */
  | { state: 'forgotten'; retention: string }
  | { state: 'unknown' };

/** How much the registry holds (memory is bounded by maxRecords per kind) and how much it forgot. */
export interface ConsentRegistryStats {
  consents: number;
  /** Latest consent per person + facility (carry-over, decide). */
  latest: number;
  releases: number;
  forgottenConsents: number;
  forgottenReleases: number;
}

/**
 * The central system's consent registry (rules.md §2.3). A facility may fetch an item only while
 * the LATEST consent of that person at that facility includes the item, was not given under a
 * certificate in grace, and is at most 24 hours old. The latest one wins because choices change only
 * by a new card check (troubles.md T63/T64): a later "no" withdraws an earlier "yes".
 * 包括同意 and carried-over consent reach us the same way, as the items of a new card check.
 *
 * Memory is bounded, so a long soak (thousands of checks per second) does not grow without end:
 * - consents by check id and releases are kept `retentionMs` after their instant (default 7 days)
 *   and at most `maxRecords` of each, the oldest recorded forgotten first. Pruning pops a queue in
 *   the order recorded and stops at the first live entry (O(1) amortised per record); lookups
 *   check each record's own age, so they are exact whatever the order.
 * - the latest consent per person + facility is NOT forgotten by age: carry-over (前回同意) offers
 *   a previous individual choice however old it is (004:21), and decide() answers consent-expired,
 *   not no-consent, for an old one. It holds one record per pair (bounded by the population), and
 *   at most `maxRecords` pairs, the pair first recorded longest ago forgotten first.
 */
export class ConsentRegistry {
  readonly #byCheck = new Map<string, ConsentRecord>();
  /** #byCheck's records in the order recorded (a Map walked from its start after many deletes is slow in V8). */
  readonly #checkOrder = new Fifo<ConsentRecord>();
  /** person + facility → latest consent there. */
  readonly #latest = new Map<string, ConsentRecord>();
  /** #latest's keys in the order first set (the cap forgets the pair first recorded longest ago). */
  readonly #pairOrder = new Fifo<string>();
  /** person → facilities of their #latest entries, so decide() need not scan every pair. */
  readonly #facilitiesOf = new Map<string, Set<string>>();
  readonly #releases = new Fifo<MedicalInfoRelease>();
  readonly #windowMs: number;
  readonly #retentionMs: number;
  readonly #maxRecords: number;
  /** Latest instant recorded (consent or release): what "now" is for pruning. */
  #now = -Infinity;
  /** When the oldest queued consent expires: record() compares numbers instead of reading a cold record. */
  #firstExpiresAt = Infinity;
  #forgottenConsents = 0;
  #forgottenReleases = 0;
  #releasesNoted = 0;
  /** 資格確認限定型 facilities: nothing is ever released to them. */
  readonly #qualificationOnly = new Set<string>();

  constructor(opts: ConsentRegistryOptions = {}) {
    this.#windowMs = opts.windowMs ?? CONSENT_ACCESS_WINDOW_MS;
    this.#retentionMs = opts.retentionMs ?? DEFAULT_CONSENT_RETENTION_MS;
    this.#maxRecords = opts.maxRecords ?? DEFAULT_MAX_CONSENTS;
    if (!(this.#retentionMs >= 0) || !Number.isInteger(this.#maxRecords) || this.#maxRecords < 1) {
      throw new Error(`ConsentRegistry: retentionMs must be a number >= 0 and maxRecords an integer >= 1 (got ${this.#retentionMs}, ${this.#maxRecords})`);
    }
  }

  /** Marks facilities as 資格確認限定型 (qualification only): every later decide() for them refuses. */
  markQualificationOnly(medicalInstitutionCodes: Iterable<string>): void {
    for (const code of medicalInstitutionCodes) this.#qualificationOnly.add(code);
  }

  /** Called once per card check (hot path): a few map operations; forgetting is O(1) amortised. */
  record(consent: ConsentRecord): void {
    const at = consent.at;
    if (at > this.#now) this.#now = at;
    const byCheck = this.#byCheck;
    const checkOrder = this.#checkOrder;
    byCheck.set(consent.checkId, consent);
    checkOrder.push(consent);
    if (checkOrder.length === 1) this.#firstExpiresAt = at + this.#retentionMs;
    if (byCheck.size > this.#maxRecords || this.#now > this.#firstExpiresAt || checkOrder.length > 2 * byCheck.size + 1024) this.#pruneConsents();
    const key = pairKey(consent.personId, consent.medicalInstitutionCode);
    const latest = this.#latest;
    const previous = latest.get(key);
    if (previous === undefined) {
      latest.set(key, consent);
      this.#pairOrder.push(key);
      const facilities = this.#facilitiesOf.get(consent.personId);
      if (facilities === undefined) this.#facilitiesOf.set(consent.personId, new Set([consent.medicalInstitutionCode]));
      else facilities.add(consent.medicalInstitutionCode);
      if (latest.size > this.#maxRecords) this.#forgetOldestPair();
    } else if (previous.at <= at) {
      latest.set(key, consent);
    }
  }

  /**
   * The consent registered with a card check, for requests that name the check instead of the
   * person; undefined when unknown or forgotten (older than the retention at the latest instant recorded).
   */
  byCheck(checkId: string): ConsentRecord | undefined {
    const consent = this.#byCheck.get(checkId);
    return consent !== undefined && this.#now - consent.at <= this.#retentionMs ? consent : undefined;
  }

  /** byCheck at `now`, telling a forgotten consent from one never known (see CheckConsent). Records nothing. */
  consentOfCheck(checkId: string, now: number): CheckConsent {
    const consent = this.#byCheck.get(checkId);
    if (consent !== undefined && now - consent.at <= this.#retentionMs) return { state: 'kept', consent };
    if (consent !== undefined || this.#forgottenConsents > 0) return { state: 'forgotten', retention: this.retentionRule() };
    return { state: 'unknown' };
  }

  /** The retention in words, for messages: "consents are kept 7 days after their card check, and only for the newest 1,000,000 card checks". */
  retentionRule(): string {
    return `consents are kept ${durationWords(this.#retentionMs)} after their card check, and only for the newest ${this.#maxRecords.toLocaleString('en-US')} card checks`;
  }

  /**
   * The choice the carry-over screen offers (reader-flow K0 / N15; rules.md §2.3 carry-over): the
   * LATEST consent of the person at THIS facility, only when it was chosen item by item or was
   * itself carried over from such a choice (004:21: only previous *individual* choices). A later
   * 包括同意 or a facility's 限定型 check without screens replaces it, so nothing is offered then.
   * The date rule (from 2025-02-01, option `carryover_from`) is the terminal's.
   */
  previousIndividualChoice(personId: string, medicalInstitutionCode: string): ConsentRecord | undefined {
    const latest = this.#latest.get(pairKey(personId, medicalInstitutionCode));
    return latest !== undefined && (latest.method === 'individual' || latest.method === 'carried-over') ? latest : undefined;
  }

  /** Whether `medicalInstitutionCode` may fetch `kind` of `personId` at `now`. Pure: records nothing. */
  decide(personId: string, medicalInstitutionCode: string, kind: MedicalInfoKind, now: number): ConsentDecision {
    if (this.#qualificationOnly.has(medicalInstitutionCode)) {
      return refusal('qualification-only-facility', `facility ${medicalInstitutionCode} is 資格確認限定型: qualification only, no ${kind} information whatever the consent`);
    }
    const latest = this.#latest.get(pairKey(personId, medicalInstitutionCode));
    if (!latest) {
      const elsewhere = [...(this.#facilitiesOf.get(personId) ?? [])].some((code) => {
        const c = this.#latest.get(pairKey(personId, code));
        return c !== undefined && c.items[kind] && !c.inGrace;
      });
      return elsewhere
        ? refusal('other-facility', `person "${personId}" consented to ${kind} information at another facility only; consent is per facility — a card check here is needed`)
        : refusal('no-consent', `person "${personId}" has given no consent at facility ${medicalInstitutionCode}; run a card check with consent on the reader`);
    }
    if (latest.inGrace) {
      return refusal(
        'certificate-in-grace',
        `the latest card check of "${personId}" at ${medicalInstitutionCode} used a certificate in its post-expiry grace: qualification only, no medical information; the holder must renew the certificate`,
      );
    }
    if (!latest.items[kind]) {
      return refusal('no-consent', `the latest card check of "${personId}" at ${medicalInstitutionCode} did not consent to ${kind} information`);
    }
    const availableUntil = latest.at + this.#windowMs;
    if (now > availableUntil) {
      return refusal(
        'consent-expired',
        `the consent of "${personId}" at ${medicalInstitutionCode} (card check ${latest.checkId}) is older than 24 hours; a new card check is needed`,
      );
    }
    return { allowed: true, consent: latest, availableUntil };
  }

  /** Notes a release; the server calls it once per 200 answer of POST /v1/medical-info. */
  noteRelease(release: MedicalInfoRelease): void {
    if (release.at > this.#now) this.#now = release.at;
    this.#releases.push(release);
    this.#releasesNoted += 1;
    this.#pruneReleases();
  }

  /** The releases kept (retention and cap as for consents), oldest first. A fresh view per call. */
  releases(): readonly MedicalInfoRelease[] {
    this.#pruneReleases();
    return this.#releases.view();
  }

  /** Releases noted since the start, forgotten ones included: only grows, so compare it before/after a fetch. */
  get releasesNoted(): number {
    return this.#releasesNoted;
  }

  /** The consents kept by check id, in the order recorded. */
  consents(): ConsentRecord[] {
    this.#pruneConsents();
    return [...this.#byCheck.values()].filter((c) => this.#now - c.at <= this.#retentionMs);
  }

  /** Number of consents kept by check id (at most maxRecords). */
  get size(): number {
    this.#pruneConsents();
    return this.#byCheck.size;
  }

  stats(): ConsentRegistryStats {
    this.#pruneConsents();
    this.#pruneReleases();
    return {
      consents: this.#byCheck.size,
      latest: this.#latest.size,
      releases: this.#releases.length,
      forgottenConsents: this.#forgottenConsents,
      forgottenReleases: this.#forgottenReleases,
    };
  }

  /** Forgets consents from the oldest recorded until the first one within both limits. */
  #pruneConsents(): void {
    const byCheck = this.#byCheck;
    const order = this.#checkOrder;
    const horizon = this.#now - this.#retentionMs;
    for (let oldest = order.peek(); oldest !== undefined; oldest = order.peek()) {
      const live = byCheck.get(oldest.checkId) === oldest;
      if (live && byCheck.size <= this.#maxRecords && oldest.at >= horizon) break;
      order.shift();
      if (live) {
        byCheck.delete(oldest.checkId);
        this.#forgottenConsents += 1;
      }
    }
    // A check id recorded twice leaves its first record stale in the queue: drop such once they pile up.
    if (order.length > 2 * byCheck.size + 1024) order.retain((c) => byCheck.get(c.checkId) === c);
    const first = order.peek();
    this.#firstExpiresAt = first === undefined ? Infinity : first.at + this.#retentionMs;
  }

  /** Beyond the cap: forgets the pair first recorded longest ago (its later updates do not move it; that would cost the hot path). */
  #forgetOldestPair(): void {
    const key = this.#pairOrder.shift();
    const oldest = key === undefined ? undefined : this.#latest.get(key);
    if (key === undefined || oldest === undefined) return;
    this.#latest.delete(key);
    const facilities = this.#facilitiesOf.get(oldest.personId);
    facilities?.delete(oldest.medicalInstitutionCode);
    if (facilities?.size === 0) this.#facilitiesOf.delete(oldest.personId);
  }

  #pruneReleases(): void {
    const releases = this.#releases;
    const horizon = this.#now - this.#retentionMs;
    for (let oldest = releases.peek(); oldest !== undefined && (releases.length > this.#maxRecords || oldest.at < horizon); oldest = releases.peek()) {
      releases.shift();
      this.#forgottenReleases += 1;
    }
  }
}

/**
 * A first-in first-out queue over an array with a moving head: O(1) push / shift, the dead head cut
 * off once it is half the array (amortised O(1)), slots cleared on shift so nothing is kept alive.
 */
class Fifo<T> {
  #items: Array<T | undefined> = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  peek(): T | undefined {
    return this.#items[this.#head];
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) this.#compact();
    return item;
  }

  /** Keeps only the items `keep` accepts, in order. O(length). */
  retain(keep: (item: T) => boolean): void {
    this.#items = this.#items.slice(this.#head).filter((item) => keep(item as T));
    this.#head = 0;
  }

  /** The items in order, as an array (O(1) unless the head must be cut off first). */
  view(): readonly T[] {
    if (this.#head > 0) this.#compact();
    return this.#items as T[];
  }

  #compact(): void {
    this.#items = this.#items.slice(this.#head);
    this.#head = 0;
  }
}

/** "7 days", "36 hours", "90 minutes", "1500 ms". */
function durationWords(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
}

function pairKey(personId: string, medicalInstitutionCode: string): string {
  return `${personId}\u0000${medicalInstitutionCode}`;
}

function refusal(reason: MedicalInfoRefusalReason, message: string): ConsentDecision {
  return { allowed: false, reason, message };
}
