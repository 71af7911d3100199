import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { jstDate, toYmd, type Clock } from '../../domain/index.js';
import { HomeConsentRequest, type HomeConsentResponse } from '../../protocol/central-api.js';
import { NO_CONSENT } from '../../protocol/consent.js';
import type { ConsentRegistry } from './consent-registry.js';
import type { FaultInjector } from './faults.js';
import { decodeBody } from './body-decode.js';
import type { Exchange, Reply } from './lean-routes.js';
import { buildQualificationResult, type RatioFieldScope } from './qualification-result.js';
import type { EligibilityStore } from './store.js';

/**
 * 居宅同意取得型: consents registered from the patient's home (マイナ在宅受付Web), kept per
 * facility with their date and 診療区分, so that the facility's 訪問診療等 bulk retrieval
 * (OQSmuhvq01/02) finds them by consent date.
 */

export interface HomeConsent {
  checkId: string;
  personId: string;
  medicalInstitutionCode: string;
  /** epoch ms (virtual). */
  at: number;
  /** OQSCD028: 2 訪問診療等, 3 オンライン診療等. */
  medicalTreatmentFlag: '2' | '3';
}

export class HomeConsents {
  readonly #all: HomeConsent[] = [];

  record(consent: HomeConsent): void {
    this.#all.push(consent);
  }

  /** The facility's consents of this 診療区分 whose JST date is within from..to (yyyyMMdd, inclusive); latest per person. */
  between(medicalInstitutionCode: string, from: string, to: string, flag: '2' | '3'): HomeConsent[] {
    const latest = new Map<string, HomeConsent>();
    for (const c of this.#all) {
      if (c.medicalInstitutionCode !== medicalInstitutionCode || c.medicalTreatmentFlag !== flag) continue;
      const day = toYmd(jstDate(c.at));
      if (day < from || day > to) continue;
      latest.set(c.personId, c);
    }
    return [...latest.values()];
  }
}

/**
 * The HomeConsents each app's POST /v1/home-consents records into (set by registerHomeConsentRoute),
 * so the Web flow (home-consent-web.ts) registers where OQSmuhvq01/02 look without a second wiring.
 */
const homeConsentsByApp = new WeakMap<Express, HomeConsents>();

export function homeConsentsOf(app: Express): HomeConsents | undefined {
  return homeConsentsByApp.get(app);
}

export interface HomeConsentRouteDeps {
  clock: Clock;
  store: EligibilityStore;
  faults: FaultInjector;
  consents: ConsentRegistry;
  homeConsents: HomeConsents;
  qualificationOnly: ReadonlySet<string>;
  ratioFieldScope?: RatioFieldScope | undefined;
  send(req: Exchange, res: Reply, status: number, body: unknown): void;
  sendError(req: Exchange, res: Reply, status: number, code: string, message: string, field?: string): void;
}

export function registerHomeConsentRoute(app: Express, deps: HomeConsentRouteDeps): void {
  homeConsentsByApp.set(app, deps.homeConsents);
  app.post('/v1/home-consents', (req, res) => {
    const body = decodeBody(req, res, HomeConsentRequest, deps.sendError);
    if (!body) return;
    const stored = deps.store.get(body.personId);
    if (!stored) {
      deps.sendError(req, res, 404, 'person-not-found', `POST /v1/home-consents: no person "${body.personId}" in the store`, 'personId');
      return;
    }
    const now = deps.clock.now();
    const date = jstDate(now);
    // 資格確認限定型: no consent is asked, so none is registered.
    const consent = deps.qualificationOnly.has(body.medicalInstitutionCode) ? NO_CONSENT : body.consent;
    const record = deps.faults.viewRecord(stored, date, { facility: body.medicalInstitutionCode, via: 'certificate' });
    // Random like a card check's id (not from the seeded Rng: ids must not be guessable across runs).
    const checkId = `home-${randomBytes(12).toString('base64url')}`;
    const result = buildQualificationResult({
      person: record.person,
      qualifications: record.qualifications,
      date,
      now,
      consent,
      certificateStatus: 'valid',
      registered: record.registered,
      medicalInstitutionCode: body.medicalInstitutionCode,
      ...(deps.ratioFieldScope !== undefined ? { ratioFieldScope: deps.ratioFieldScope } : {}),
    });
    if (record.registered) {
      deps.consents.record({ checkId, personId: record.person.id, medicalInstitutionCode: body.medicalInstitutionCode, items: { ...consent }, at: now, inGrace: false });
      deps.homeConsents.record({ checkId, personId: record.person.id, medicalInstitutionCode: body.medicalInstitutionCode, at: now, medicalTreatmentFlag: body.medicalTreatmentFlag });
    }
    const answer: HomeConsentResponse = { checkId, result: deps.faults.adjustResult(result, record.person.id) };
    deps.send(req, res, 200, answer);
  });
}
