import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { z } from 'zod';
import { jstDate, jstTimestamp, type CertGraceEnd, type Clock } from '../../domain/index.js';
import { CertificateCheckStatus, RejectionReason } from '../../protocol/central-api.js';
import { ConsentChoices, NO_CONSENT } from '../../protocol/consent.js';
import { certificateBytes, strictBase64Bytes } from './certificate-cache.js';
import { judgeCertificate } from './certificate-check.js';
import { jlisRefusal } from './jlis-refusal.js';
import { Challenges } from './challenges.js';
import type { ConsentRegistry } from './consent-registry.js';
import type { RevocationLists } from './crl.js';
import type { FaultInjector } from './faults.js';
import { homeConsentsOf, type HomeConsents } from './home-consents.js';
import { decodeBody } from './body-decode.js';
import type { Exchange, Reply } from './lean-routes.js';
import { buildQualificationResult, CONSENT_ACCESS_WINDOW_MS, type RatioFieldScope } from './qualification-result.js';
import type { ReferenceNumbers } from './reference-numbers.js';
import { verifyCardSignature } from './signature-check.js';
import type { EligibilityStore } from './store.js';

/**
 * 居宅同意取得型 through マイナ在宅受付Web (rules.md «other check channels»): the facility hands the
 * patient a facility-specific URL (its terminal's admin screen makes it; here a token), the
 * patient's device asks central for a challenge, the card signs it after the 4-digit PIN, and the
 * consent chosen on the device is registered as a home-visit consent at that facility. The
 * facility then fetches the qualification (and, by the same checkId, medical information through
 * POST /v1/medical-info) for 24 hours from the consent; later it is refused.
 *
 * Central checks here what it checks at a reader: the chain and validity (with the 3-month grace:
 * the consent then counts for qualification only), the J-LIS state (store, CRL, and a stale CRL
 * under policy `refuse` → `certificate-status-unknown`), and the card's signature over its own
 * single-use challenge (verifyCardSignature). The photo-ID check staff make for a patient's own
 * device is outside central and not emulated.
 *
 * Routes (docs/protocols/backend-api.md «居宅同意取得型 Web flow»):
 * - POST   /v1/home-consent-links                      facility → { token, path, … }
 * - DELETE /v1/home-consent-links/:token               facility withdraws its URL
 * - POST   /v1/home/:token/challenges                  patient device → { challengeId, nonce, expiresAt }
 * - POST   /v1/home/:token/consents                    patient device → { accepted, checkId, … } | { accepted: false, rejection }
 * - POST   /v1/home-consents/:checkId/qualification    facility → { checkId, consentTime, availableUntil, result }
 */

export const HomeConsentLinkRequest = z.object({
  medicalInstitutionCode: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
  /** OQSCD028: 2 訪問診療等 (default), 3 オンライン診療等. */
  medicalTreatmentFlag: z.enum(['2', '3']).default('2'),
});
export type HomeConsentLinkRequest = z.infer<typeof HomeConsentLinkRequest>;

export interface HomeConsentLinkResponse {
  token: string;
  /** Where the patient's device goes: `/v1/home/<token>/…`. */
  path: string;
  medicalInstitutionCode: string;
  medicalTreatmentFlag: '2' | '3';
  /** yyyyMMddHHmmss JST. */
  issuedAt: string;
}

export const HomeWebConsentRequest = z.object({
  /** base64 DER of the card's user-authentication certificate. */
  certificate: z.string().min(1),
  challengeId: z.string().min(1),
  /** base64 RSASSA-PKCS1-v1_5 SHA-256 signature of the challenge nonce by the card (after the 4-digit PIN). */
  signature: z.string().min(1),
  consent: ConsentChoices,
});
export type HomeWebConsentRequest = z.infer<typeof HomeWebConsentRequest>;

/**
 * The card check's reasons (no reader here, so no attestation), plus `not-registered`: without
 * 健康保険証利用登録 the card identifies the person but nothing can be consented to.
 */
export const HomeWebRejectionReason = z.enum([...RejectionReason.exclude(['attestation-invalid']).options, 'not-registered']);
export type HomeWebRejectionReason = z.infer<typeof HomeWebRejectionReason>;

export const HomeWebConsentResponse = z.union([
  z.object({
    accepted: z.literal(true),
    checkId: z.string(),
    medicalInstitutionCode: z.string(),
    medicalTreatmentFlag: z.enum(['2', '3']),
    certificateStatus: CertificateCheckStatus,
    /** yyyyMMddHHmmss JST. */
    consentTime: z.string(),
    /** Last instant the facility may fetch (consent + 24 h), yyyyMMddHHmmss JST. */
    availableUntil: z.string(),
    /** The certificate was in its post-expiry grace: qualification only (rules.md §2.2). */
    qualificationOnly: z.boolean(),
  }),
  z.object({
    accepted: z.literal(false),
    certificateStatus: CertificateCheckStatus.optional(),
    rejection: z.object({ reason: HomeWebRejectionReason, message: z.string() }),
  }),
]);
export type HomeWebConsentResponse = z.infer<typeof HomeWebConsentResponse>;

export const HomeConsentFetchRequest = z.object({ medicalInstitutionCode: z.string().regex(/^\d{10}$/, 'must be 10 digits') });

interface HomeLink {
  medicalInstitutionCode: string;
  medicalTreatmentFlag: '2' | '3';
  issuedAt: number;
  withdrawn: boolean;
}

export interface HomeWebRouteDeps {
  clock: Clock;
  store: EligibilityStore;
  consents: ConsentRegistry;
  faults: FaultInjector;
  trustAnchors: Uint8Array[];
  graceEnd: CertGraceEnd;
  /** The loaded J-LIS CRLs: a stale one refuses under policy `refuse`. */
  lists?: RevocationLists | undefined;
  /** Where OQSmuhvq01/02 look; default the one registerHomeConsentRoute uses on this app. */
  homeConsents?: HomeConsents | undefined;
  qualificationOnlyFacilities?: readonly string[] | undefined;
  /**
   * 照会番号 registered per facility (OQSsiimm01 / OQSmuimm01): the facility's number for the
   * person appears as `ReferenceNumber` in its home fetch, as in its card checks (server.ts).
   */
  referenceNumbers?: ReferenceNumbers | undefined;
  ratioFieldScope?: RatioFieldScope | undefined;
  /** Challenge lifetime on the virtual clock; default 5 minutes. */
  challengeTtlMs?: number | undefined;
  send(req: Exchange, res: Reply, status: number, body: unknown): void;
  sendError(req: Exchange, res: Reply, status: number, code: string, message: string, field?: string): void;
}

export function registerHomeWebRoutes(app: Express, deps: HomeWebRouteDeps): void {
  const { clock, store } = deps;
  const links = new Map<string, HomeLink>();
  const challenges = new Challenges({ clock, ttlMs: deps.challengeTtlMs });
  const qualificationOnly = new Set(deps.qualificationOnlyFacilities ?? []);
  const homeConsents = (): HomeConsents | undefined => deps.homeConsents ?? homeConsentsOf(app);

  const decode = <T>(req: Exchange, res: Reply, schema: z.ZodType<T>): T | undefined =>
    decodeBody(req, res, schema, deps.sendError, 'src/sim-backend/central/home-consent-web.ts');
  /** The live link of a patient request, or undefined after answering 404. */
  const linkOf = (req: Exchange & { params: Record<string, string> }, res: Reply): HomeLink | undefined => {
    const link = links.get(String(req.params.token));
    if (!link || link.withdrawn) {
      deps.sendError(req, res, 404, link ? 'home-link-withdrawn' : 'home-link-unknown', `${req.method} ${req.path}: ${link ? 'the facility withdrew this URL' : 'no facility issued this URL'}; ask the facility for its current マイナ在宅受付Web URL`, 'token');
      return undefined;
    }
    return link;
  };

  app.post('/v1/home-consent-links', (req, res) => {
    const body = decode(req, res, HomeConsentLinkRequest);
    if (!body) return;
    // Real randomness: a guessable token would let anyone register consents at the facility.
    const token = randomBytes(24).toString('base64url');
    const now = clock.now();
    links.set(token, { ...body, issuedAt: now, withdrawn: false });
    const answer: HomeConsentLinkResponse = { token, path: `/v1/home/${token}`, ...body, issuedAt: jstTimestamp(now) };
    deps.send(req, res, 201, answer);
  });
  app.delete('/v1/home-consent-links/:token', (req, res) => {
    const link = links.get(String(req.params.token));
    if (!link) {
      deps.sendError(req, res, 404, 'home-link-unknown', 'DELETE /v1/home-consent-links: no such link', 'token');
      return;
    }
    link.withdrawn = true;
    deps.send(req, res, 200, { withdrawn: true });
  });

  app.post('/v1/home/:token/challenges', (req, res) => {
    if (!linkOf(req, res)) return;
    const issued = challenges.issue();
    deps.send(req, res, 200, { challengeId: issued.challengeId, nonce: Buffer.from(issued.nonce).toString('base64'), expiresAt: issued.expiresAt });
  });

  app.post('/v1/home/:token/consents', async (req, res) => {
    const link = linkOf(req, res);
    if (!link) return;
    const body = decode(req, res, HomeWebConsentRequest);
    if (!body) return;
    const certificate = certificateBytes(body.certificate);
    const signature = strictBase64Bytes(body.signature);
    if (!certificate || !signature) {
      const field = certificate ? 'signature' : 'certificate';
      deps.sendError(req, res, 400, 'invalid-request', `${req.path}: "${field}" is not base64`, field);
      return;
    }
    const taken = challenges.take(body.challengeId);
    const now = clock.now();
    const cert = await judgeCertificate(certificate, { trustAnchors: deps.trustAnchors, date: jstDate(now), graceEnd: deps.graceEnd, at: new Date(now) });
    const refuse = (reason: HomeWebRejectionReason, message: string): void => {
      const answer: HomeWebConsentResponse = { accepted: false, certificateStatus: cert.status, rejection: { reason, message } };
      deps.send(req, res, 200, answer);
    };
    if (typeof taken === 'string') {
      refuse(`challenge-${taken}`, `challenge "${body.challengeId}" is ${taken === 'unknown' ? 'not one this URL issued' : taken === 'expired' ? 'expired' : 'already used'}; request a new one (POST /v1/home/<token>/challenges)`);
      return;
    }
    if (cert.reason) {
      refuse(cert.reason as HomeWebRejectionReason, cert.message ?? cert.reason);
      return;
    }
    const jlis = jlisRefusal(store, deps.lists, certificate, now);
    if (jlis) {
      refuse(jlis.reason, jlis.message);
      return;
    }
    if (!verifyCardSignature(certificate, taken.nonce, signature)) {
      refuse('signature-invalid', "the card signature does not verify over this challenge with the certificate's key");
      return;
    }
    const stored = store.findByCertificate(certificate);
    if (!stored) {
      refuse('card-not-linked', 'no person is linked to this certificate at central');
      return;
    }
    if (!stored.registered) {
      refuse('not-registered', 'the card is not registered for use as a health-insurance card (健康保険証利用登録); register it first (マイナポータル or a reader)');
      return;
    }
    const inGrace = cert.status === 'expired-in-grace';
    // 資格確認限定型: no consent is asked, so none is registered.
    const items = qualificationOnly.has(link.medicalInstitutionCode) ? NO_CONSENT : body.consent;
    const checkId = `home-${randomBytes(12).toString('base64url')}`;
    deps.consents.record({ checkId, personId: stored.person.id, medicalInstitutionCode: link.medicalInstitutionCode, items: { ...items }, at: now, inGrace });
    homeConsents()?.record({ checkId, personId: stored.person.id, medicalInstitutionCode: link.medicalInstitutionCode, at: now, medicalTreatmentFlag: link.medicalTreatmentFlag });
    fetchable.set(checkId, { personId: stored.person.id, medicalInstitutionCode: link.medicalInstitutionCode, at: now, certificateStatus: cert.status, items });
    const answer: HomeWebConsentResponse = {
      accepted: true,
      checkId,
      medicalInstitutionCode: link.medicalInstitutionCode,
      medicalTreatmentFlag: link.medicalTreatmentFlag,
      certificateStatus: cert.status,
      consentTime: jstTimestamp(now),
      availableUntil: jstTimestamp(now + CONSENT_ACCESS_WINDOW_MS),
      qualificationOnly: inGrace,
    };
    deps.send(req, res, 200, answer);
  });

  const fetchable = new Map<string, { personId: string; medicalInstitutionCode: string; at: number; certificateStatus: CertificateCheckStatus; items: ConsentChoices }>();
  app.post('/v1/home-consents/:checkId/qualification', (req, res) => {
    const checkId = String(req.params.checkId);
    const body = decode(req, res, HomeConsentFetchRequest);
    if (!body) return;
    const consent = fetchable.get(checkId);
    if (!consent || consent.medicalInstitutionCode !== body.medicalInstitutionCode) {
      deps.sendError(req, res, 404, 'home-consent-not-found', `POST /v1/home-consents/${checkId}/qualification: no home consent "${checkId}" at facility ${body.medicalInstitutionCode}`, 'checkId');
      return;
    }
    const now = clock.now();
    // The consent instant + 24 h is the last instant that still counts (as POST /v1/medical-info).
    if (now > consent.at + CONSENT_ACCESS_WINDOW_MS) {
      deps.sendError(
        req,
        res,
        403,
        'home-consent-expired',
        `POST /v1/home-consents/${checkId}/qualification: the consent of ${jstTimestamp(consent.at)} could be used until ${jstTimestamp(consent.at + CONSENT_ACCESS_WINDOW_MS)}; the patient must consent again`,
      );
      return;
    }
    const stored = store.get(consent.personId);
    if (!stored) {
      deps.sendError(req, res, 500, 'person-missing', `person "${consent.personId}" of home consent "${checkId}" is no longer in the store`);
      return;
    }
    const date = jstDate(now);
    const record = deps.faults.viewRecord(stored, date, { facility: consent.medicalInstitutionCode, via: 'certificate' });
    const result = buildQualificationResult({
      person: record.person,
      qualifications: record.qualifications,
      date,
      now,
      consent: consent.items,
      certificateStatus: consent.certificateStatus,
      registered: record.registered,
      medicalInstitutionCode: consent.medicalInstitutionCode,
      referenceNumber: deps.referenceNumbers?.get(consent.medicalInstitutionCode, record.person.id),
      ...(deps.ratioFieldScope !== undefined ? { ratioFieldScope: deps.ratioFieldScope } : {}),
    });
    deps.send(req, res, 200, {
      checkId,
      consentTime: jstTimestamp(consent.at),
      availableUntil: jstTimestamp(consent.at + CONSENT_ACCESS_WINDOW_MS),
      result: deps.faults.adjustResult(result, record.person.id),
    });
  });
}
