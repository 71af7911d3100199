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

/**
 * The central system's consent registry (rules.md §2.3). A facility may fetch an item only while
 * the LATEST consent of that person at that facility includes the item, was not given under a
 * certificate in grace, and is at most 24 hours old. The latest one wins because choices change only
 * by a new card check (troubles.md T63/T64): a later "no" withdraws an earlier "yes".
 * 包括同意 and carried-over consent reach us the same way, as the items of a new card check.
 */
export class ConsentRegistry {
  readonly #byCheck = new Map<string, ConsentRecord>();
  /** person + facility → latest consent there. */
  readonly #latest = new Map<string, ConsentRecord>();
  readonly #releases: MedicalInfoRelease[] = [];
  readonly #windowMs: number;
  /** 資格確認限定型 facilities: nothing is ever released to them. */
  readonly #qualificationOnly = new Set<string>();

  constructor(opts: { windowMs?: number } = {}) {
    this.#windowMs = opts.windowMs ?? CONSENT_ACCESS_WINDOW_MS;
  }

  /** Marks facilities as 資格確認限定型 (qualification only): every later decide() for them refuses. */
  markQualificationOnly(medicalInstitutionCodes: Iterable<string>): void {
    for (const code of medicalInstitutionCodes) this.#qualificationOnly.add(code);
  }

  record(consent: ConsentRecord): void {
    this.#byCheck.set(consent.checkId, consent);
    const key = pairKey(consent.personId, consent.medicalInstitutionCode);
    const previous = this.#latest.get(key);
    if (!previous || previous.at <= consent.at) this.#latest.set(key, consent);
  }

  /** The consent registered with a card check, for requests that name the check instead of the person. */
  byCheck(checkId: string): ConsentRecord | undefined {
    return this.#byCheck.get(checkId);
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
      const elsewhere = [...this.#latest.values()].some((c) => c.personId === personId && c.items[kind] && !c.inGrace);
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
    this.#releases.push(release);
  }

  releases(): readonly MedicalInfoRelease[] {
    return this.#releases;
  }

  consents(): ConsentRecord[] {
    return [...this.#byCheck.values()];
  }
}

function pairKey(personId: string, medicalInstitutionCode: string): string {
  return `${personId}\u0000${medicalInstitutionCode}`;
}

function refusal(reason: MedicalInfoRefusalReason, message: string): ConsentDecision {
  return { allowed: false, reason, message };
}
