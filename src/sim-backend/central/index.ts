export { EligibilityStore, matchesPeopleFilter, type PeopleFilter, type EligibilitySegment, type InsuredCardKey, type InsuredCardMatch, type EligibilityRecord, type AddPersonOptions, type CertificateRegistryState, type CertificateStateEntry, type EligibilityStoreOptions } from './store.js';
export { verifyCertificate, type CertificateCheckOptions, type CertificateCheckResult } from './certificate-check.js';
export { verifyCardSignature, verifyReaderAttestation } from './signature-check.js';
export {
  Challenges,
  CHALLENGE_NONCE_BYTES,
  DEFAULT_CHALLENGE_TTL_MS,
  type ChallengeOptions,
  type IssuedChallenge,
  type TakeResult,
} from './challenges.js';
export {
  buildQualificationResult,
  insurerNumberField,
  isActiveOn,
  valueOn,
  type DatedValue,
  type QualificationRecord,
  CONSENT_ACCESS_WINDOW_MS,
  type QualificationResultInput,
  type RatioFieldScope,
} from './qualification-result.js';
export { startCentral, DEFAULT_CHECK_TTL_MS, DEFAULT_MAX_LIVE_CHECKS, MAX_LIVE_CHECKS_LIMIT, type CentralOptions, type CentralServer, type CentralTrafficEntry } from './server.js';
export { applyFaults, withBlackCircles, FaultSpec, FaultSpecs, CentralRoute, type FaultInjector, type RequestContext, type RequestFaultEffect } from './faults.js';
export {
  ConsentRegistry,
  DEFAULT_CONSENT_RETENTION_MS,
  DEFAULT_MAX_CONSENTS,
  type ConsentRecord,
  type ConsentDecision,
  type MedicalInfoRelease,
  type ConsentRegistryOptions,
  type CheckConsent,
  type ConsentRegistryStats,
} from './consent-registry.js';
export { syntheticMedicalInfo } from './medical-info.js';
export { loadDataset, parseDataset, addDataset, Dataset, DatasetPerson, DatasetQualification } from './dataset.js';
export { generatePopulation, Population, POPULATION_INSURERS, type PopulationOptions } from './population.js';
export { registerOqsRoutes, type OqsRouteOptions } from './oqs-routes.js';
export { BulkJobs, DEFAULT_BULK_PROCESSING_MS, type BulkJob, type BulkJobLookup } from './bulk-jobs.js';
export { ReferenceNumbers } from './reference-numbers.js';
export { HomeConsents, type HomeConsent } from './home-consents.js';
export {
  RevocationLists,
  parseCrl,
  normalizeSerialHex,
  isCrlStale,
  DEFAULT_CRL_STALE_POLICY,
  type LoadedCrl,
  type CrlLoadResult,
  type CrlStalePolicy,
  type RevocationStatus,
  type StaleCrlWarning,
} from './crl.js';
export { attachRevocationLists, registerCrlRoutes, registerCrlFreshnessRoutes } from './crl-routes.js';
export { answerOcspRequest, importOcspSigner, ocspStatusOnly, OCSP_RESPONSE_STATUS, type OcspResponseStatus, type OcspSigner, type OcspResult, type OcspContext } from './ocsp.js';
export { registerOcspRoutes, type OcspResponder } from './ocsp-routes.js';
export {
  registerHomeWebRoutes,
  HomeConsentLinkRequest,
  HomeWebConsentRequest,
  HomeWebConsentResponse,
  HomeWebRejectionReason,
  HomeConsentFetchRequest,
  type HomeConsentLinkResponse,
} from './home-consent-web.js';
export { SignatureWorker, sharedSignatureWorker } from './signature-worker.js';
export { lookupCardData, cardDataResult } from './card-data-check.js';
export type { PublicExpenseRecord, MedicalTicketRecord } from './qualification-result.js';
export type { ViewContext } from './faults.js';
