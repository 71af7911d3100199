import { LOOPBACK_HOST, listenOn } from '../../protocol/loopback.js';
import http from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import { createRng, jstDate, jstStartOfDay, jstTimestamp, type CertGraceEnd, type Clock, type IsoDate, type Rng } from '../../domain/index.js';
import {
  CardCheckRequest,
  MedicalInfoRequest,
  QualificationCheckRequest,
  QualificationRequest,
  type ApiError,
  type CardCheckResponse,
  type CertificateCheckStatus,
  type ChallengeResponse,
  type MedicalInfoResponse,
  type RegistrationResponse,
  type RejectionReason,
} from '../../protocol/central-api.js';
import type { OqsResultMessage } from '../../protocol/oqs-result.js';
import { certificateBytes, strictBase64Bytes } from './certificate-cache.js';
import { judgeCertificate } from './certificate-check.js';
import { plainPinCheck } from './card-check-request.js';
import { ExpiringMap } from './expiring-map.js';
import { startFastLane } from './http-fast-lane.js';
import { hotRoutes, type Exchange, type Reply } from './lean-routes.js';
import { decodeBody } from './body-decode.js';
import { jlisRefusal } from './jlis-refusal.js';
import { Challenges, csprngBytes, MAX_CHALLENGES_LIMIT } from './challenges.js';
import { ConsentRegistry } from './consent-registry.js';
import { syntheticMedicalInfo } from './medical-info.js';
import { applyFaults, type CentralRoute, type FaultSpec, type RequestContext } from './faults.js';
import { buildQualificationResult, type RatioFieldScope } from './qualification-result.js';
import { cardDataResult, lookupCardData } from './card-data-check.js';
import { registerOqsRoutes, type OqsRouteOptions } from './oqs-routes.js';
import { ReferenceNumbers, withReferenceNumber } from './reference-numbers.js';
import { attachRevocationLists, registerCrlFreshnessRoutes, registerCrlRoutes } from './crl-routes.js';
import { registerConsentHistoryRoutes } from './consent-history-routes.js';
import { registerOcspRoutes } from './ocsp-routes.js';
import { registerHomeWebRoutes } from './home-consent-web.js';
import { verifyCardSignatureOn, verifyReaderAttestation } from './signature-check.js';
import { sharedSignatureWorker, type SignatureWorker } from './signature-worker.js';
import type { EligibilityRecord, EligibilityStore } from './store.js';

export interface CentralTrafficEntry {
  /** Clock time (epoch ms) of the answer. */
  at: number;
  method: string;
  path: string;
  status: number;
  request: unknown;
  response: unknown;
}

export interface CentralOptions {
  clock: Clock;
  store: EligibilityStore;
  /** DER certificates of the simulated J-LIS CA. */
  trustAnchors: Uint8Array[];
  /** readerId → the reader's attestation public key (SPKI DER). */
  readerKeys?: Record<string, Uint8Array>;
  /** rules.md §2.2 option cert_grace_end; default month_end. */
  graceEnd?: CertGraceEnd;
  host?: string;
  port?: number;
  /** rules.md §2.4 option ratio_field_scope; default koki_only. */
  ratioFieldScope?: RatioFieldScope;
  /** Challenge lifetime on the virtual clock; default 5 minutes. */
  challengeTtlMs?: number;
  /** How long an accepted card check waits for its qualification request; default 10 minutes. */
  checkTtlMs?: number;
  /**
   * Live card checks (and challenges) remembered at most; past it the oldest are forgotten first.
   * Default 200,000. Expiry runs on the virtual clock, which may stand still through a soak.
   */
  maxLiveChecks?: number;
  /** Random bytes for nonces and ids; default node's CSPRNG (see challenges.ts). */
  randomBytes?: (length: number) => Uint8Array;
  onTraffic?: (entry: CentralTrafficEntry) => void;
  /** Faults applied at the edges (faults.ts); validated on start. */
  faults?: FaultSpec[];
  /** Seeded randomness for fault shares; default createRng(0). */
  rng?: Rng;
  /** Where consents and medical-information releases are kept; pass one to inspect it. Default: a fresh one. */
  consents?: ConsentRegistry;
  /** Seed of the synthetic medical information (medical-info.ts); default 0. */
  medicalInfoSeed?: number;
  /** 一括照会 / 照会番号 / 薬剤・特定健診 files (oqs-routes.ts). */
  oqs?: OqsRouteOptions;
  /** Where card signatures are verified; default the process's shared worker thread (signature-worker.ts). Not closed with central. */
  signatureWorker?: SignatureWorker;
  /** J-LIS CRL(s), DER, verified against trustAnchors at start; newer ones via POST /admin/crl (crl-routes.ts). */
  crl?: Uint8Array | readonly Uint8Array[];
}

export interface CentralServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_CHECK_TTL_MS = 10 * 60_000;
export const DEFAULT_MAX_LIVE_CHECKS = 200_000;
/** The largest maxLiveChecks (challenge ids name their slot in 3 bytes). */
export const MAX_LIVE_CHECKS_LIMIT = MAX_CHALLENGES_LIMIT;
/** Largest JSON body accepted, in bytes (express.json's '256kb'). */
const BODY_LIMIT = 256 * 1024;

interface AcceptedCheck {
  personId: string;
  medicalInstitutionCode: string;
  certificateStatus: CertificateCheckStatus;
  certificateExpiresOn?: IsoDate;
  graceEndsOn?: IsoDate;
  expiresAt: number;
  used: boolean;
}

/** An edge fault's answer (faults.ts). */
interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** The emulated オンライン資格確認等システム (central side) as an HTTP JSON server. */
export async function startCentral(opts: CentralOptions): Promise<CentralServer> {
  const { clock, store } = opts;
  const random = opts.randomBytes ?? csprngBytes;
  const maxLiveChecks = opts.maxLiveChecks ?? DEFAULT_MAX_LIVE_CHECKS;
  if (!Number.isInteger(maxLiveChecks) || maxLiveChecks < 1 || maxLiveChecks > MAX_LIVE_CHECKS_LIMIT) {
    throw new RangeError(`startCentral: maxLiveChecks must be an integer from 1 to ${MAX_LIVE_CHECKS_LIMIT}, received ${maxLiveChecks}`);
  }
  const challenges = new Challenges({ clock, ttlMs: opts.challengeTtlMs, randomBytes: random, maxEntries: maxLiveChecks });
  const checks = new ExpiringMap<AcceptedCheck>(maxLiveChecks);
  const checkTtlMs = opts.checkTtlMs ?? DEFAULT_CHECK_TTL_MS;
  const graceEnd = opts.graceEnd ?? 'month_end';
  const readerKeys = opts.readerKeys ?? {};
  const faults = applyFaults(opts.faults ?? [], { rng: opts.rng ?? createRng(0), lookup: (id) => store.get(id) });
  const consents = opts.consents ?? new ConsentRegistry();
  const revocation = await attachRevocationLists(store, opts.crl, opts.trustAnchors);
  const signatureWorker = opts.signatureWorker ?? sharedSignatureWorker();
  // 照会番号 registered through the folder/JSON messages (oqs-routes.ts) appear in every result for that facility.
  const referenceNumbers = opts.oqs?.referenceNumbers ?? new ReferenceNumbers();

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: BODY_LIMIT }));

  const send = (req: Exchange, res: Reply, status: number, body: unknown): void => {
    opts.onTraffic?.({ at: clock.now(), method: req.method, path: req.path, status, request: req.body, response: body });
    res.status(status).json(body);
  };
  const sendError = (req: Exchange, res: Reply, status: number, code: string, message: string, field?: string): void => {
    const body: ApiError = { error: { code, message, ...(field !== undefined ? { field } : {}) } };
    send(req, res, status, body);
  };
  /** Decodes a body with a contract schema; on failure answers 400 naming the field. */
  const decode = <T>(req: Exchange, res: Reply, schema: z.ZodType<T>): T | undefined => decodeBody(req, res, schema, sendError);

  /**
   * The faults at a request edge: the refusal, if any, after any injected latency. Without latency
   * the answer is immediate (no promise): the hot path then pays no microtask hop for an edge
   * that injects nothing.
   */
  const edgeRefusal = (route: CentralRoute, ctx: Omit<RequestContext, 'route' | 'now'>): Refusal | undefined | Promise<Refusal | undefined> => {
    const effect = faults.beforeRequest({ route, now: clock.now(), ...ctx });
    if (effect.delayMs > 0) return new Promise((resolve) => setTimeout(() => resolve(effect.refuse), effect.delayMs));
    return effect.refuse;
  };
  /** The request edge: injected latency and refusals. Returns false when the fault answered. */
  const edge = async (req: Exchange, res: Reply, route: CentralRoute, ctx: Omit<RequestContext, 'route' | 'now'> = {}): Promise<boolean> => {
    const pending = edgeRefusal(route, ctx);
    const refusal = pending instanceof Promise ? await pending : pending;
    return edgeAnswered(req, res, refusal);
  };
  /** Answers an edge refusal; false when there was one (the request is done). */
  const edgeAnswered = (req: Exchange, res: Reply, refusal: Refusal | undefined): boolean => {
    if (refusal) {
      sendError(req, res, refusal.status, refusal.code, `${req.method} ${req.path}: ${refusal.message}`);
      return false;
    }
    return true;
  };
  const insurersOf = (record: EligibilityRecord): string[] => record.qualifications.map((q) => q.insurerNumber);

  const issueChallenge = (): ChallengeResponse => {
    const issued = challenges.issue();
    return { challengeId: issued.challengeId, nonce: bytesView(issued.nonce).toString('base64'), expiresAt: issued.expiresAt };
  };
  const postChallenge = async (req: Exchange, res: Reply): Promise<void> => {
    const pending = edgeRefusal('challenges', {});
    if (!edgeAnswered(req, res, pending instanceof Promise ? await pending : pending)) return;
    send(req, res, 200, issueChallenge());
  };

  /** Forgets accepted checks past their TTL, and the oldest at the cap (room for one more). */
  const pruneChecks = (now: number): void => checks.prune(now);
  const notLive = (checkId: string): string =>
    `no live card check "${checkId}" (unknown, older than ${checkTtlMs / 60_000} minutes, or pushed out by ${maxLiveChecks} newer checks)`;

  /** The qualification result of an accepted check, and the consent it records; marks the check used. */
  const qualificationOf = (checkId: string, check: AcceptedCheck, stored: EligibilityRecord, request: QualificationRequest, now: number): OqsResultMessage => {
    check.used = true;
    const date = checkDate(now);
    const record = faults.viewRecord(stored, date, { facility: check.medicalInstitutionCode });
    const built = buildQualificationResult({
      person: record.person,
      qualifications: record.qualifications,
      date,
      now,
      consent: request.consent,
      certificateStatus: check.certificateStatus,
      ...(check.certificateExpiresOn !== undefined ? { certificateExpiresOn: check.certificateExpiresOn } : {}),
      ...(check.graceEndsOn !== undefined ? { graceEndsOn: check.graceEndsOn } : {}),
      registered: record.registered,
      medicalInstitutionCode: check.medicalInstitutionCode,
      referenceNumber: referenceNumbers.get(check.medicalInstitutionCode, record.person.id),
      ...(request.arbitraryFileIdentifier !== undefined ? { arbitraryFileIdentifier: request.arbitraryFileIdentifier } : {}),
      ...(opts.ratioFieldScope !== undefined ? { ratioFieldScope: opts.ratioFieldScope } : {}),
    });
    // An unregistered card yields no qualification, so nothing was consented to.
    if (record.registered) {
      consents.record({
        checkId,
        personId: record.person.id,
        medicalInstitutionCode: check.medicalInstitutionCode,
        items: { ...request.consent },
        at: now,
        inGrace: check.certificateStatus === 'expired-in-grace',
        ...(request.consentMethod !== undefined ? { method: request.consentMethod } : {}),
      });
    }
    return faults.adjustResult(built, record.person.id);
  };
  app.post('/v1/challenges', postChallenge);

  const postCardCheck = async (req: Exchange, res: Reply): Promise<void> => {
    const pending = edgeRefusal('card-checks', {});
    if (!edgeAnswered(req, res, pending instanceof Promise ? await pending : pending)) return;
    const body = plainPinCheck(req.body) ?? decode(req, res, CardCheckRequest);
    if (!body) return;
    if (body.method === 'pin' && body.signature === undefined) {
      sendError(req, res, 400, 'invalid-request', 'POST /v1/card-checks: method "pin" needs the card\'s "signature" over the nonce', 'signature');
      return;
    }
    if (body.method !== 'pin' && body.attestation === undefined) {
      sendError(req, res, 400, 'invalid-request', `POST /v1/card-checks: method "${body.method}" needs the reader's "attestation"`, 'attestation');
      return;
    }
    const certificate = certificateBytes(body.certificate);
    if (!certificate) {
      sendError(req, res, 400, 'invalid-request', 'POST /v1/card-checks: "certificate" is not base64', 'certificate');
      return;
    }

    // The challenge is consumed first: whatever follows, it cannot be used again. The certificate
    // is judged even when the challenge is refused, so the answer carries its real status.
    const taken = challenges.take(body.challengeId);
    // Every 200 answer hands out the next fresh challenge (one-request checks, see central-api.ts).
    const nextChallenge = issueChallenge();
    const refuse = (status: CertificateCheckStatus, reason: RejectionReason, message: string, extra: Partial<CardCheckResponse> = {}): void => {
      const answer: CardCheckResponse = { accepted: false, certificateStatus: status, registered: false, ...extra, rejection: { reason, message }, nextChallenge };
      send(req, res, 200, answer);
    };

    const now = clock.now();
    const judged = judgeCertificate(certificate, { trustAnchors: opts.trustAnchors, date: checkDate(now), graceEnd, at: new Date(now) });
    const cert = judged instanceof Promise ? await judged : judged;
    const expiry = cert.expiresOn !== undefined ? { certificateExpiresOn: cert.expiresOn } : {};
    if (taken === 'unknown' || taken === 'expired' || taken === 'reused') {
      const messages = {
        unknown: `challenge "${body.challengeId}" was never issued here; request a new one (POST /v1/challenges)`,
        expired: `challenge "${body.challengeId}" has expired; request a new one (POST /v1/challenges)`,
        reused: `challenge "${body.challengeId}" was already used; every card check needs a fresh challenge`,
      };
      refuse(cert.status, `challenge-${taken}`, messages[taken], expiry);
      return;
    }
    if (cert.reason) {
      refuse(cert.status, cert.reason, cert.message ?? cert.reason, expiry);
      return;
    }
    // A stale CRL (revocation status unknown), a revocation or a hold (jlis-refusal.ts).
    const jlis = jlisRefusal(store, revocation, certificate, now);
    if (jlis) {
      refuse(jlis.registryState ?? cert.status, jlis.reason, jlis.message, expiry);
      return;
    }

    if (body.method === 'pin') {
      const signature = strictBase64Bytes(body.signature!);
      if (!signature || !(await verifyCardSignatureOn(signatureWorker, certificate, taken.nonce, signature))) {
        refuse(cert.status, 'signature-invalid', 'the card signature does not verify over this challenge with the certificate\'s key', expiry);
        return;
      }
    } else {
      const attestation = body.attestation!;
      const readerKey = readerKeys[attestation.readerId];
      const signature = strictBase64Bytes(attestation.signature);
      if (!readerKey) {
        refuse(cert.status, 'attestation-invalid', `reader "${attestation.readerId}" is not registered with the central system`, expiry);
        return;
      }
      if (!signature || !verifyReaderAttestation(readerKey, taken.nonce, certificate, body.method, signature)) {
        refuse(cert.status, 'attestation-invalid', `the attestation of reader "${attestation.readerId}" does not verify for this challenge, certificate and method`, expiry);
        return;
      }
    }

    const record = store.findByCertificate(certificate);
    if (!record) {
      refuse(cert.status, 'card-not-linked', 'no person is linked to this certificate (J-LIS link missing)', expiry);
      return;
    }

    pruneChecks(now);
    const checkId = bytesView(random(16)).toString('base64url');
    const check: AcceptedCheck = {
      personId: record.person.id,
      medicalInstitutionCode: body.medicalInstitutionCode,
      certificateStatus: cert.status,
      ...(cert.expiresOn !== undefined ? { certificateExpiresOn: cert.expiresOn } : {}),
      ...(cert.graceEndsOn !== undefined ? { graceEndsOn: cert.graceEndsOn } : {}),
      expiresAt: now + checkTtlMs,
      used: false,
    };
    checks.add(checkId, check, check.expiresAt);
    const answer: CardCheckResponse = {
      accepted: true,
      checkId,
      certificateStatus: cert.status,
      ...expiry,
      registered: record.registered,
      nextChallenge,
    };
    // One-request check: the qualification in the same answer, behind the same edge faults as
    // POST …/qualification. A refusal there leaves the check live for that route.
    if (body.qualification !== undefined) {
      const pendingRefusal = edgeRefusal('qualification', { personId: record.person.id, insurerNumbers: insurersOf(record) });
      const refusal = pendingRefusal instanceof Promise ? await pendingRefusal : pendingRefusal;
      if (refusal) answer.qualificationError = { code: refusal.code, message: `POST /v1/card-checks: qualification: ${refusal.message}; ask again with POST /v1/card-checks/${checkId}/qualification` };
      else answer.qualification = qualificationOf(checkId, check, record, body.qualification, clock.now());
    }
    send(req, res, 200, answer);
  };
  app.post('/v1/card-checks', postCardCheck);

  const postQualification = async (req: Exchange, res: Reply): Promise<void> => {
    const checkId = String(req.params.checkId);
    const check = checks.get(checkId);
    const now = clock.now();
    if (!check || now > check.expiresAt) {
      sendError(req, res, 404, 'check-not-found', `${notLive(checkId)}; run the card check again`);
      return;
    }
    if (check.used) {
      sendError(req, res, 409, 'check-used', `card check "${checkId}" already has its qualification; a new consent needs a new card check`);
      return;
    }
    const body = decode(req, res, QualificationRequest);
    if (!body) return;
    const stored = store.get(check.personId);
    if (!stored) {
      sendError(req, res, 500, 'person-missing', `person "${check.personId}" of card check "${checkId}" is no longer in the store`);
      return;
    }
    if (!(await edge(req, res, 'qualification', { personId: stored.person.id, insurerNumbers: insurersOf(stored) }))) return;
    send(req, res, 200, qualificationOf(checkId, check, stored, body, now));
  };
  app.post('/v1/card-checks/:checkId/qualification', postQualification);

  // Medical information (薬剤/診療/特定健診/手術): only with a live consent at this facility (rules.md §2.3).
  app.post('/v1/medical-info', (req, res) => {
    const body = decode(req, res, MedicalInfoRequest);
    if (!body) return;
    let personId = body.personId;
    const now = clock.now();
    if (body.checkId !== undefined) {
      // Consents are kept for a retention window and up to a count (consent-registry.ts), not for ever.
      const found = consents.consentOfCheck(body.checkId, now);
      if (found.state === 'forgotten') {
        sendError(req, res, 404, 'consent-forgotten', `POST /v1/medical-info: card check "${body.checkId}" has no consent here any more (or never had one): ${found.retention}; run a new card check at the reader to consent again`, 'checkId');
        return;
      }
      if (found.state === 'unknown') {
        sendError(req, res, 404, 'check-not-found', `POST /v1/medical-info: card check "${body.checkId}" registered no consent here (unknown, or never answered)`, 'checkId');
        return;
      }
      personId = found.consent.personId;
    }
    if (personId === undefined || !store.get(personId)) {
      sendError(req, res, 404, 'person-not-found', `POST /v1/medical-info: no person "${String(personId)}" in the store`, 'personId');
      return;
    }
    const decision = consents.decide(personId, body.medicalInstitutionCode, body.kind, now);
    if (!decision.allowed) {
      sendError(req, res, 403, decision.reason, `POST /v1/medical-info: ${decision.message}`);
      return;
    }
    consents.noteRelease({ at: now, personId, medicalInstitutionCode: body.medicalInstitutionCode, kind: body.kind, checkId: decision.consent.checkId });
    const answer: MedicalInfoResponse = {
      personId,
      kind: body.kind,
      medicalInstitutionCode: body.medicalInstitutionCode,
      checkId: decision.consent.checkId,
      consentTime: jstTimestamp(decision.consent.at),
      availableTime: jstTimestamp(decision.availableUntil),
      entries: syntheticMedicalInfo({ seed: opts.medicalInfoSeed ?? 0, personId, kind: body.kind, now }),
    };
    send(req, res, 200, answer);
  });

  // 健康保険証利用登録 chosen on the reader (reader-flow N12): the card check's person becomes registered.
  app.post('/v1/card-checks/:checkId/registration', (req, res) => {
    const checkId = String(req.params.checkId);
    const check = checks.get(checkId);
    if (!check || clock.now() > check.expiresAt) {
      sendError(req, res, 404, 'check-not-found', `${notLive(checkId)}; run the card check again, then register`);
      return;
    }
    if (!store.get(check.personId)) {
      sendError(req, res, 500, 'person-missing', `person "${check.personId}" of card check "${checkId}" is no longer in the store`);
      return;
    }
    store.setRegistered(check.personId, true);
    const body: RegistrationResponse = { registered: true };
    send(req, res, 200, body);
  });

  // A check by insurance-card data (照会区分 2): the terminal's req/ → res/ folder exchange.
  app.post('/v1/qualification-checks', async (req, res) => {
    const body = decode(req, res, QualificationCheckRequest);
    if (!body) return;
    const { MessageHeader: header, MessageBody: requestBody } = body.XmlMsg;
    const search = requestBody.QualificationConfirmSearchInfo;
    const lookup = lookupCardData(store, header, search);
    if (!lookup.ok) {
      const field = lookup.field === 'Birthdate' ? 'XmlMsg.MessageBody.QualificationConfirmSearchInfo.Birthdate' : 'XmlMsg.MessageHeader.QualificationConfirmationDate';
      sendError(req, res, 400, 'invalid-request', `POST /v1/qualification-checks: ${field} ${lookup.message}`, field);
      return;
    }
    const { match } = lookup;
    const facility = { medicalInstitutionCode: header.MedicalInstitutionCode };
    if (!(await edge(req, res, 'qualification-checks', match ? { personId: match.record.person.id, insurerNumbers: [search.InsurerNumber], ...facility } : { insurerNumbers: [search.InsurerNumber], ...facility }))) {
      return;
    }
    const { document, personId } = cardDataResult({ faults, ratioFieldScope: opts.ratioFieldScope, header, search, date: lookup.date, match, now: clock.now() });
    send(req, res, 200, withReferenceNumber(document, personId !== undefined ? referenceNumbers.get(header.MedicalInstitutionCode, personId) : undefined));
  });

  // The other folder messages (一括照会, 照会番号, 薬剤/特定健診) as JSON: oqs-routes.ts.
  registerCrlRoutes(app, { lists: revocation, trustAnchors: opts.trustAnchors, send, sendError });
  registerCrlFreshnessRoutes(app, { lists: revocation, clock, send, sendError });
  registerOcspRoutes(app, { lists: revocation, store, clock, trustAnchors: opts.trustAnchors, send, sendError });
  registerHomeWebRoutes(app, { clock, store, consents, faults, trustAnchors: opts.trustAnchors, graceEnd, lists: revocation, homeConsents: opts.oqs?.homeConsents, qualificationOnlyFacilities: opts.oqs?.qualificationOnlyFacilities, referenceNumbers, ratioFieldScope: opts.ratioFieldScope, challengeTtlMs: opts.challengeTtlMs, send, sendError });
  registerConsentHistoryRoutes(app, { store, consents, send, sendError });
  registerOqsRoutes(app, { clock, store, faults, consents, send, sendError, edge, ratioFieldScope: opts.ratioFieldScope, medicalInfoSeed: opts.medicalInfoSeed, ...opts.oqs, referenceNumbers });

  app.use((req: Request, res: Response) => {
    sendError(req, res, 404, 'not-found', `${req.method} ${req.path} is not a central API route (see docs/protocols/backend-api.md)`);
  });

  const answerError = (err: unknown, req: Exchange, res: Reply): void => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') {
      sendError(req, res, 400, 'malformed-json', `${req.method} ${req.path}: the body is not valid JSON (${e.message ?? 'parse error'})`);
    } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      sendError(req, res, e.status, e.type ?? 'bad-request', `${req.method} ${req.path}: ${e.message ?? 'bad request'}`);
    } else {
      console.error('central: internal error', err);
      sendError(req, res, 500, 'internal', `${req.method} ${req.path}: internal error in the central simulator: ${e.message ?? String(err)}`);
    }
  };
  // Express recognises an error handler by its four parameters.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => answerError(err, req, res));

  // The reader's three hot calls are served off the socket when the request is plain
  // (http-fast-lane.ts); every other request, and every connection after an unusual one, goes to
  // node:http and express.
  const fallback = http.createServer((req, res) => void app(req, res));
  const lane = startFastLane({
    route: hotRoutes({ challenge: postChallenge, cardCheck: postCardCheck, qualification: postQualification }),
    onError: answerError,
    bodyLimit: BODY_LIMIT,
    fallback,
  });
  const authority = await listenOn(lane.server, opts.host ?? LOOPBACK_HOST, opts.port ?? 0, 'central');
  return {
    url: `http://${authority}`,
    close: () => lane.close(),
  };
}

/** The last JST day seen: [from, to) epoch ms → its date. JST has no daylight saving: days are 24 h. */
let lastDay = { from: 0, to: 0, date: '' as IsoDate };

/** jstDate for the hot path: every check of a (virtual) day asks for the same date. */
function checkDate(now: number): IsoDate {
  if (now >= lastDay.from && now < lastDay.to) return lastDay.date;
  const date = jstDate(now);
  const from = jstStartOfDay(date);
  lastDay = { from, to: from + 86_400_000, date };
  return date;
}


/** A Buffer over the same memory (no copy), for its base64 encoders. */
function bytesView(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
