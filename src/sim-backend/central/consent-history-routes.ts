import type { Express } from 'express';
import type { z } from 'zod';
import { jstTimestamp } from '../../domain/index.js';
import { PreviousConsentRequest, type PreviousConsentResponse } from '../../protocol/central-api.js';
import { certificateBytes } from './certificate-cache.js';
import type { ConsentRegistry } from './consent-registry.js';
import { decodeBody } from './body-decode.js';
import type { Exchange, Reply } from './lean-routes.js';
import type { EligibilityStore } from './store.js';

export interface ConsentHistoryDeps {
  store: EligibilityStore;
  consents: ConsentRegistry;
  send(req: Exchange, res: Reply, status: number, body: unknown): void;
  sendError(req: Exchange, res: Reply, status: number, code: string, message: string, field?: string): void;
}

export const PREVIOUS_CONSENTS_PATH = '/v1/previous-consents';

/**
 * The holder's previous consent at a facility, for the reader's carry-over screen (reader-flow K0,
 * since 2025-02; rules.md §2.3 «from 2025-02 on a return visit to the same facility the previous
 * individual choices can be kept»). A route of its own, outside the card-check hot path: the
 * terminal asks it beside the card check and puts the answer into the accepted `auth.verdict`.
 */
export function answerPreviousConsent(deps: Pick<ConsentHistoryDeps, 'store' | 'consents'>, body: PreviousConsentRequest): PreviousConsentResponse | { error: string } {
  const certificate = certificateBytes(body.certificate);
  if (!certificate) return { error: '"certificate" is not base64' };
  const record = deps.store.findByCertificate(certificate);
  // An unknown holder has no history here; the card check itself reports the missing link.
  if (!record) return {};
  const previous = deps.consents.previousIndividualChoice(record.person.id, body.medicalInstitutionCode);
  if (!previous) return {};
  return { previousConsent: { items: { ...previous.items }, checkId: previous.checkId, consentTime: jstTimestamp(previous.at) } };
}

/** `POST /v1/previous-consents` (central-api.ts PreviousConsentRequest → PreviousConsentResponse). */
export function registerConsentHistoryRoutes(app: Express, deps: ConsentHistoryDeps): void {
  app.post(PREVIOUS_CONSENTS_PATH, (req, res) => {
    const body = decodeBody(req, res, PreviousConsentRequest as z.ZodType<PreviousConsentRequest>, deps.sendError);
    if (!body) return;
    const answer = answerPreviousConsent(deps, body);
    if ('error' in answer) {
      deps.sendError(req, res, 400, 'invalid-request', `POST ${PREVIOUS_CONSENTS_PATH}: ${answer.error}`, 'certificate');
      return;
    }
    deps.send(req, res, 200, answer);
  });
}
