import { z } from 'zod';
import { isIsoDate } from '../domain/dates.js';
import { RejectionReason } from '../protocol/central-api.js';
import { FaultSpecs, ReaderFaultSpec } from '../protocol/faults.js';

/**
 * The scenario language. One zod schema is the single source for the loader's validation and
 * for the JSON Schema that editors use (`myna-rig schema`), so the two can never disagree.
 */

const isoDate = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .refine(isIsoDate, { message: 'must be a calendar date written YYYY-MM-DD, e.g. 2025-04-01' });

const pin4 = z
  .string({ error: 'must be a quoted string of 4 digits, e.g. "1234" (unquoted, YAML reads a number and drops leading zeros)' })
  .regex(/^\d{4}$/, 'must be 4 digits');

const copayPercent = z.union([z.literal(10), z.literal(20), z.literal(30), z.literal(100)], {
  error: 'must be a copay ratio in percent: 10, 20, 30 or 100',
});

export const QualificationSpec = z
  .object({
    insurerNumber: z.string().regex(/^(\d{6}|\d{8})$/, 'must be a 6- or 8-digit insurer number, quoted'),
    insurerName: z.string().min(1),
    insurerKind: z.enum(['kyokai', 'kumiai', 'kyosai', 'kokuho', 'kokuho-kumiai', 'koki']),
    symbol: z.string().optional(),
    number: z.string().min(1),
    branch: z.string().regex(/^\d{2}$/, 'must be 2 digits, quoted, e.g. "00"').optional(),
    relation: z.enum(['insured', 'dependent']).default('insured'),
    insuredName: z.string().optional(),
    cardClassification: z.string().default('01'),
    acquiredOn: isoDate,
    lostOn: isoDate.optional(),
    incomeClass: z.enum(['general', 'higher', 'active', 'low']).default('general'),
    copayRatio: copayPercent.optional(),
    limitCategory: z.string().regex(/^[AB]\d{2}$/, 'must be an OQSCD012 code such as A03 or B10').optional(),
  })
  .strict();

export const CardSpec = z
  .object({
    pin: pin4.default('1234'),
    /** Tries left on the user-authentication PIN when the scenario starts (0 = already locked). */
    pinTriesLeft: z.number().int().min(0).max(3).default(3),
    /** `destroyed`: the chip was destroyed by tampering and answers nothing (T42). */
    state: z.enum(['normal', 'destroyed']).default('normal'),
    /** 顔認証マイナンバーカード: no PIN at all; face or 目視 only (T41). */
    pinless: z.boolean().default(false),
    /** J-LIS status of the user-authentication certificate (T38 suspended after a loss report). */
    certificateStatus: z.enum(['good', 'revoked', 'suspended']).default('good'),
    authCertificate: z
      .object({ issuedOn: isoDate, expiresOn: isoDate.optional() })
      .strict()
      .optional()
      .describe('Validity of the user-authentication certificate; expiresOn defaults to the 5th birthday after issuedOn.'),
    /**
     * What holds the JPKI: the card itself, or the スマホ用電子証明書 of an Android phone / an iPhone
     * (T69). A phone is placed with `place-phone`; an iPhone has no PIN on the reader (biometric unlock).
     */
    token: z.enum(['card', 'android', 'iphone']).optional(),
    /** iPhone: whether Face ID / Touch ID unlocks the phone. Default succeeds. */
    biometric: z.enum(['succeeds', 'fails']).optional(),
    /** The 12-digit My Number (valid check digit): gives the card its 券面事項入力補助AP and 券面AP. */
    myNumber: z.string().regex(/^\d{12}$/, 'must be the 12-digit My Number, quoted').optional(),
    /** Issue date of the card (start of the default card and certificate validities). */
    issuedOn: isoDate.optional(),
    /** 有効期限 of the card; default the 10th (5th for a minor) birthday after issuedOn. */
    cardExpiresOn: isoDate.optional(),
    /** セキュリティコード printed on the card face (part of the 券面AP's PIN B). */
    securityCode: z.string().regex(/^\d{4}$/, 'must be 4 digits, quoted').optional(),
    /** Birth-date form inside PIN B (UNCONFIRMED on real cards). */
    pinBFormat: z.enum(['yymmdd', 'yyyymmdd']).optional(),
    facePinATriesLeft: z.number().int().min(0).max(3).optional(),
    facePinBTriesLeft: z.number().int().min(0).max(3).optional(),
  })
  .strict();

const consentItems = z
  .object({ diagnosis: z.boolean(), pharmacy: z.boolean(), checkup: z.boolean(), operation: z.boolean() })
  .strict();

/**
 * The consent the persona gave at an earlier visit (reader-flow K0/N15; troubles.md T63): seeded
 * into central's consent registry before the first step. Only an `individual` choice at the same
 * facility is offered again on the carry-over screen (from 2025-02-01).
 */
export const PreviousConsentSpec = z
  .object({
    at: z
      .string()
      .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
        message: 'must be a date-time with offset, e.g. 2025-03-10T09:30:00+09:00',
      }),
    /** 医療機関コード where it was given; default the scenario's facility. */
    facility: z.string().regex(/^\d{10}$/, 'must be 10 digits').optional(),
    method: z.enum(['individual', 'bulk']),
    items: consentItems,
  })
  .strict();

/**
 * The clinic's own patient record (診察券 / カルテ), handed to the reception when it starts: the
 * reception compares the OQS answer with it (T10 old surname, T12 mis-linkage, T32 name order).
 */
export const ClinicRecordSpec = z
  .object({
    name: z.string().min(1),
    nameKana: z.string().optional(),
    insurerNumber: z.string().regex(/^(\d{6}|\d{8})$/, 'must be a 6- or 8-digit insurer number, quoted').optional(),
    number: z.string().optional(),
    /** The 照会番号 (診察券番号 etc.) the clinic keeps on this chart; compare with ReferenceNumber in results. */
    referenceNumber: z.string().min(1).max(50, 'must be at most 50 characters').optional(),
  })
  .strict();

export const PersonaSpec = z
  .object({
    name: z.string().min(1).describe('Card-face name, family and given name separated by U+3000'),
    nameKana: z.string().optional(),
    birthDate: isoDate,
    sex: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
    address: z.string().optional(),
    registered: z.boolean().default(true).describe('健康保険証利用登録 done'),
    card: CardSpec.default({ pin: '1234', pinTriesLeft: 3, state: 'normal', pinless: false, certificateStatus: 'good' }),
    qualifications: z.array(QualificationSpec).default([]),
    previousConsent: PreviousConsentSpec.optional(),
    clinicRecord: ClinicRecordSpec.optional(),
  })
  .strict();

// ---- expectations ------------------------------------------------------------------------

const scalar = z.union([z.string(), z.number(), z.boolean()]);
export const Matcher = z.union([
  scalar,
  z.array(scalar),
  z
    .object({
      not: scalar.optional(),
      absent: z.literal(true).optional(),
      includes: z.array(scalar).optional(),
      excludes: z.array(scalar).optional(),
    })
    .strict(),
]);
export type Matcher = z.infer<typeof Matcher>;

export const OutcomeExpectation = z
  .object({
    status: Matcher.optional(),
    copayRatio: Matcher.optional(),
    limitCategory: Matcher.optional(),
    displayedName: Matcher.optional(),
    qualificationValidity: Matcher.optional(),
    reason: Matcher.optional(),
    fallbackOptions: Matcher.optional(),
    guidance: Matcher.optional(),
    warnings: Matcher.optional(),
  })
  .strict();

export const ReaderExpectation = z
  .object({
    screen: Matcher.optional(),
    pinAvailable: Matcher.optional(),
    triesLeft: Matcher.optional(),
    errorCode: Matcher.optional(),
    faceAvailable: Matcher.optional(),
    pinless: Matcher.optional(),
    /** The name as the reader shows it (● where its repertoire lacks a character). */
    name: Matcher.optional(),
    /** The screen's text in one string, e.g. the maker's maintenance refusal. */
    message: Matcher.optional(),
    /** The camera guidance on face-capture (F8): too-close, backlight, mask, … */
    faceGuidance: Matcher.optional(),
    lines: Matcher.optional(),
    frozen: Matcher.optional(),
  })
  .strict();

/** What the reception's back office made of the last 一括照会 download (OQSmuquc02). */
export const BatchExpectation = z
  .object({
    /** processing (処理中: nothing known yet), done, error. */
    state: Matcher.optional(),
    /** OQSCD006 per patient key as the reception read it, e.g. { hanako: "1", jiro: "2" }. */
    validity: z.record(z.string(), Matcher).optional(),
    /** Patients flagged for their visit (not confirmed 有効), e.g. [jiro]. */
    flagged: Matcher.optional(),
  })
  .strict();

/** What the reception showed after the last medical-information fetch. */
export const MedicalInfoExpectation = z
  .object({
    shown: Matcher.optional(),
    /** Refusal code when not shown: no-consent, consent-expired, other-facility, certificate-in-grace, qualification-only-facility. */
    reason: Matcher.optional(),
    kind: Matcher.optional(),
    patient: Matcher.optional(),
  })
  .strict();

/** What crossed the wire, as central recorded it. */
export const TrafficExpectation = z
  .object({
    /** Whether central released medical information for the last `request-medical-info` step (its consent registry's releases). */
    medicalInfoReleased: Matcher.optional(),
    /** What central answered the last `home-fetch`: `served`, or its refusal code (home-consent-expired, home-consent-not-found, …). */
    homeQualification: Matcher.optional(),
  })
  .strict();

/**
 * What the reception decided on the last home-consented qualification handed to it
 * (`home-fetch` with `to: reception`): the counter's fields, and the patient it is about.
 */
export const HomeVisitExpectation = OutcomeExpectation.extend({ patient: Matcher.optional() }).strict();

export const Expectation = z
  .object({
    outcome: OutcomeExpectation.optional(),
    reader: ReaderExpectation.optional(),
    batch: BatchExpectation.optional(),
    medicalInfo: MedicalInfoExpectation.optional(),
    traffic: TrafficExpectation.optional(),
    homeVisit: HomeVisitExpectation.optional(),
  })
  .strict();
export type Expectation = z.infer<typeof Expectation>;

// ---- steps -------------------------------------------------------------------------------

const consentChoices = z
  .object({ diagnosis: z.boolean(), pharmacy: z.boolean(), checkup: z.boolean(), operation: z.boolean() })
  .strict();

/**
 * Why a Web consent (マイナ在宅受付Web) is refused: central's reasons (a card check's, without the
 * reader attestation, plus `not-registered`: no 健康保険証利用登録), the card's own answer to the
 * PIN (`pin-wrong`, `pin-locked`) before anything reaches central, or `home-link-withdrawn` (the
 * facility withdrew the URL the patient opened).
 */
export const HomeWebRefusal = z.enum([...RejectionReason.exclude(['attestation-invalid']).options, 'not-registered', 'pin-wrong', 'pin-locked', 'home-link-withdrawn']);
export type HomeWebRefusal = z.infer<typeof HomeWebRefusal>;

/** How the back office reaches the terminal: its shared folder (req/ → res/), POST /oqs/<kind>, or WebSocket /oqs. */
const oqsVia = z.enum(['folder', 'http', 'ws']).default('http');
const personaKey = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a persona key');

/** Each step is a one-key map: `- enter-pin: "1234"`. Keyed by the step's name so the loader
 * can validate a step against its own schema and report the precise field. */
export const STEP_SCHEMAS = {
  'place-card': z.object({ 'place-card': z.string().min(1).describe('persona key') }).strict(),
  choose: z.object({ choose: z.enum(['pin', 'face']) }).strict(),
  'enter-pin': z.object({ 'enter-pin': pin4 }).strict(),
  'present-face': z
    .object({
      'present-face': z.union([
        z.enum(['match', 'mismatch']),
        z.object({ match: z.boolean(), score: z.number().min(0).max(1).optional() }).strict(),
        z
          .object({
            /** Whose face is in front of the camera (the card holds its holder's face). */
            persona: z.string().min(1),
            /** `mask`: a maker with the mask prompt asks to take it off; the others match through it. */
            quality: z.enum(['ok', 'too-close', 'backlight', 'no-face', 'occluded', 'in-sleeve', 'mask']).default('ok'),
          })
          .strict(),
      ]),
    })
    .strict(),
  /**
   * `carry-over`: «前回と同じ» on the carry-over screen (previous individual choices sent again);
   * `reselect`: «選択しなおす», on to the individual screens (answer them with a choices map).
   */
  consent: z.object({ consent: z.union([z.enum(['agree-all', 'decline-all', 'carry-over', 'reselect']), consentChoices]) }).strict(),
  /**
   * The smartphone flow (T69): choose the smartphone on the reader, the OS, (Android) type the
   * smartphone PIN, hold the phone — the persona's `card.token` says what the phone holds.
   */
  'place-phone': z
    .object({
      'place-phone': z
        .object({
          persona: z.string().min(1),
          carrier: z.enum(['android', 'iphone']),
          /** Android: the smartphone certificate's PIN typed on the face-auth reader. */
          pin: pin4.optional(),
        })
        .strict(),
    })
    .strict(),
  /** The camera found no usable face frame in time (F11): counts as a face failure. */
  'face-capture-timeout': z.object({ 'face-capture-timeout': z.union([z.null(), z.literal(true)]) }).strict(),
  /** Staff close the reader's maintenance / update screen (N34). */
  'close-maintenance': z.object({ 'close-maintenance': z.union([z.null(), z.literal(true)]) }).strict(),
  'remove-card': z.object({ 'remove-card': z.union([z.null(), z.literal(true)]) }).strict(),
  'advance-clock': z
    .object({
      'advance-clock': z.string().regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration such as 30s, 5m, 2h or 1d'),
    })
    .strict(),
  expect: z.object({ expect: Expectation }).strict(),
  /** The patient's answer on the 健康保険証利用登録 screen. */
  register: z.object({ register: z.enum(['yes', 'no']) }).strict(),
  /** The patient acknowledges an information screen (e.g. the certificate-expiry notice). */
  ack: z.object({ ack: z.union([z.null(), z.literal(true)]) }).strict(),
  /** Staff at the 資格確認端末: 目視確認モード on/off, and «目視で本人確認完了». */
  staff: z.object({ staff: z.enum(['visual-mode-on', 'visual-mode-off', 'confirm-visual']) }).strict(),
  /** The terminal reboots the reader (clears reader faults: boot hang, freeze, …). */
  'reboot-reader': z.object({ 'reboot-reader': z.union([z.null(), z.literal(true)]) }).strict(),
  'inject-reader-fault': z.object({ 'inject-reader-fault': ReaderFaultSpec }).strict(),
  /**
   * 一括照会 upload (OQSmuquc01) of these personas' first qualification, as the reception's back
   * office sends it (T70); the receipt's ReceptionNumber is kept for `batch-download`.
   */
  'batch-check': z
    .object({
      'batch-check': z
        .object({
          /** Persona keys, or ids of persons in `central.dataset` (their first qualification is sent). */
          patients: z.array(personaKey).min(1),
          /** QualificationConfirmationDate; default the scenario's date. */
          date: isoDate.optional(),
          via: oqsVia,
        })
        .strict(),
    })
    .strict(),
  /** 一括照会 download (OQSmuquc02) with the last ReceptionNumber; the answer goes to the reception's back office. */
  'batch-download': z
    .object({ 'batch-download': z.union([z.null(), z.literal(true), z.object({ via: oqsVia }).strict()]) })
    .strict(),
  /**
   * 照会番号 registration (OQSsiimm01): the reception's back office registers its own patient
   * number for the patient's first qualification (persona or `central.dataset` person); later
   * results for that patient carry it as ReferenceNumber. A refused registration fails the step.
   */
  'register-reference-number': z
    .object({
      'register-reference-number': z
        .object({
          patient: personaKey,
          /** The facility's own patient number (診察券番号 etc.), at most 50 characters. */
          number: z.string({ error: 'must be the facility\'s patient number, quoted' }).min(1).max(50, 'must be at most 50 characters'),
          via: oqsVia,
        })
        .strict(),
    })
    .strict(),
  /**
   * The doctor asks for the patient's medical information; the answer goes to the reception's back
   * office. `via: central` (default) asks central's POST /v1/medical-info; `folder` / `http` / `ws`
   * ask the terminal for the result file: YZKsiquc01 (pharmacy: 薬剤 XML; diagnosis: 薬剤+診療 XML,
   * so both consents are needed) or TKKsiquc01 (checkup). Operation information has no file.
   */
  'request-medical-info': z
    .object({
      'request-medical-info': z
        .object({
          patient: personaKey,
          kind: z.enum(['pharmacy', 'diagnosis', 'checkup', 'operation']),
          via: z.enum(['central', 'folder', 'http', 'ws']).default('central'),
        })
        .strict(),
    })
    .strict(),
  /** 居宅同意取得型: the patient consented at home with card + PIN (POST /v1/home-consents). */
  'home-consent': z
    .object({
      'home-consent': z
        .object({
          patient: personaKey,
          consent: z
            .object({ diagnosis: z.boolean(), pharmacy: z.boolean(), checkup: z.boolean(), operation: z.boolean() })
            .partial()
            .strict(),
          /** OQSCD028: 2 訪問診療等 (default), 3 オンライン診療等. */
          flag: z.enum(['2', '3']).default('2'),
        })
        .strict(),
    })
    .strict(),
  /**
   * 居宅同意取得型 Web flow, facility side: central issues the facility's URL for マイナ在宅受付Web
   * (POST /v1/home-consent-links); the token is kept for `home-consent-web`. `withdraw: true`
   * withdraws the URL issued earlier (DELETE …/:token): patients who open it are refused.
   */
  'home-link': z
    .object({
      'home-link': z.union([
        z.null(),
        z.literal(true),
        z.object({ withdraw: z.literal(true) }).strict(),
        z.object({ flag: z.enum(['2', '3']).default('2') }).strict(),
      ]),
    })
    .strict(),
  /**
   * 居宅同意取得型 Web flow, the patient's device: a challenge from the facility's URL, the card
   * signs its nonce after the PIN (real APDUs), the consent is posted with the certificate. A
   * wrong PIN, a locked card or central's refusal fails the step with the reason — unless
   * `expect: { refused: <code> }` says that refusal is the point: then the step passes on exactly
   * that refusal and fails on an accepted consent or another code.
   */
  'home-consent-web': z
    .object({
      'home-consent-web': z
        .object({
          patient: personaKey,
          pin: pin4,
          consent: z
            .object({ diagnosis: z.boolean(), pharmacy: z.boolean(), checkup: z.boolean(), operation: z.boolean() })
            .partial()
            .strict(),
          expect: z.object({ refused: HomeWebRefusal }).strict().optional(),
        })
        .strict(),
    })
    .strict(),
  /**
   * 居宅同意取得型 Web flow, facility side: the qualification of the patient's last Web consent
   * (POST /v1/home-consents/:checkId/qualification, served for 24 h). What central answered is
   * checked with `traffic.homeQualification` (served, or the refusal code). `to: reception` also
   * hands the answer (result or refusal) to the reception's back office, which decides on it as
   * on a card check; checked with `homeVisit`.
   */
  'home-fetch': z
    .object({
      'home-fetch': z
        .object({
          patient: personaKey,
          /** rig (default): only the rig reads central's answer; reception: the SUT gets it too (back-office `home-qualification`). */
          to: z.enum(['rig', 'reception']).optional(),
        })
        .strict(),
    })
    .strict(),
  /** J-LIS records the persona's user-authentication certificate as revoked / suspended / returned (needs central.crl). */
  revoke: z
    .object({
      revoke: z.object({ patient: personaKey, reason: z.enum(['revoked', 'suspended', 'returned']).default('revoked') }).strict(),
    })
    .strict(),
  /** Central loads a fresh J-LIS CRL at the current virtual time (POST /admin/crl; needs central.crl). */
  'load-crl': z.object({ 'load-crl': z.union([z.null(), z.literal(true), z.object({}).strict()]) }).strict(),
} as const;
export type StepName = keyof typeof STEP_SCHEMAS;
export const STEP_NAMES = Object.keys(STEP_SCHEMAS) as StepName[];

const stepList = Object.values(STEP_SCHEMAS);
export const Step = z.union(stepList as unknown as [(typeof stepList)[number], ...(typeof stepList)[number][]]);
export type Step = z.infer<typeof Step>;

export const Source = z
  .object({
    seed: z.string().regex(/^\d{3}_[0-9a-f]{16}\.txt$/, 'must be a seed file name such as 004_8de33dbf066f2c02.txt'),
    section: z.string().min(1),
    quote: z.string().optional(),
  })
  .strict();

/**
 * A scenario made by `myna-rig import` from a clinic's file: it cites that file, not a seed
 * document, until the developer has written its expectations from the rules and cited them.
 */
export const ImportedSource = z
  .object({
    imported: z.string().min(1).describe('the original file name (result XML from face/ or res/, or a pcscd --apdu log)'),
    kind: z.enum(['result-xml', 'pcscd-apdu-log']).optional(),
  })
  .strict();

/** Seed citations, and/or the clinic file a scenario was imported from. */
export const ScenarioSource = z.union([ImportedSource, z.array(z.union([Source, ImportedSource])).min(1, 'cite at least one seed: expectations are written from the sources')]);
export type ScenarioSource = z.infer<typeof ScenarioSource>;

/** One line per source, for reports: `<seed> <section>` or `imported from <file>`. */
export function sourceLabels(source: ScenarioSource): string[] {
  const list = Array.isArray(source) ? source : [source];
  return list.map((x) => ('imported' in x ? `imported from ${x.imported}` : `${x.seed} ${x.section}`));
}

export const Scenario = z
  .object({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/, 'must be lower-case words joined by - and /, e.g. conformance/pin-locked'),
    title: z.string().min(1),
    tags: z.array(z.string()).default([]),
    source: ScenarioSource,
    troubles: z.array(z.string().regex(/^T\d{2}$/, 'must be a trouble id such as T39')).default([]),
    at: z
      .string()
      .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
        message: 'must be a date-time with offset, e.g. 2025-04-01T09:30:00+09:00',
      }),
    facility: z
      .object({ medicalInstitutionCode: z.string().regex(/^\d{10}$/, 'must be 10 digits') })
      .strict()
      .default({ medicalInstitutionCode: '1310000017' }),
    options: z
      .object({
        certGraceEnd: z.enum(['month_end', 'literal']).default('month_end'),
        /** The first day the reader offers the consent carry-over screen (reader-flow option carryover_from); default 2025-02-01. */
        carryoverFrom: isoDate.optional(),
      })
      .strict()
      .default({ certGraceEnd: 'month_end' }),
    /** Central faults, applied at central's edges (docs/scenarios.md#faults). */
    faults: FaultSpecs.default([]),
    reader: z
      .object({
        profile: z.string().default('generic').describe('generic, vendor-a … vendor-e'),
        faults: z.array(ReaderFaultSpec).default([]),
        /** Consecutive face mismatches of one card that lock its face path (F10); 0 = never. Default: the profile's. */
        faceLockAfter: z.number().int().min(0).max(100).optional(),
        /** Seconds an unanswered screen waits before the session ends (F22). Default: the profile's. */
        screenTimeoutS: z.number().int().min(0).max(3600).optional(),
        /** Seconds face-capture waits for a usable frame before counting a failure (F11). Default: the profile's, else 30. */
        faceCaptureTimeoutS: z.number().int().min(0).max(3600).optional(),
        /** Where a failed face match leads (F9): retry (default), auth-select, restart. */
        faceFailNext: z.enum(['retry', 'auth-select', 'restart']).optional(),
        /** A general-purpose reader for smartphones is attached (default true). */
        phoneReader: z.boolean().optional(),
      })
      .strict()
      .default({ profile: 'generic', faults: [] }),
    /** The emulated central system: extra data, processing time, facility mode, J-LIS CRL. */
    central: z
      .object({
        /** Eligibility fixture (YAML/JSON, docs/protocols/backend-api.md "Datasets"), relative to the scenario file. */
        dataset: z.string().min(1).optional(),
        /** A synthetic population added to the store (person ids G00000000…). */
        population: z.object({ size: z.number().int().min(1).max(1_000_000), seed: z.number().int() }).strict().optional(),
        /** Virtual ms before a 一括照会 download is ready (処理中 before); default 60000. */
        bulkProcessingMs: z.number().int().min(0).max(86_400_000).optional(),
        /** The scenario's facility is 資格確認限定型: qualification only, never medical information. */
        qualificationOnly: z.boolean().optional(),
        /** `card-sim`: central starts with the card simulator's J-LIS CRL (revocations made by `revoke` steps are published by `load-crl`). */
        crl: z.literal('card-sim').optional(),
        /**
         * What central does with a CRL past its nextUpdate (PUT /admin/crl-policy after start):
         * `refuse` (central's default: revocation status unknown, the card check is refused and the
         * reader shows a communication error) or `warn` (the stale list is still used, with a warning).
         */
        crlStalePolicy: z.enum(['refuse', 'warn']).optional(),
      })
      .strict()
      .optional(),
    /** The emulated 資格確認端末: its shared folder's settings (docs/protocols/oqs-folders.md). */
    terminal: z
      .object({
        folders: z
          .object({
            /** `zip`: bulk download results (OQSmuquc02 …) are written to res/ as `<kind>res_<suffix>.zip` holding the XML; default `xml`. */
            bulkResultFormat: z.enum(['xml', 'zip']).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    personas: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'persona keys are lower-case words'), PersonaSpec),
    steps: z.array(Step).min(1),
    expect: Expectation,
  })
  .strict();
export type Scenario = z.infer<typeof Scenario>;
export type PersonaSpec = z.infer<typeof PersonaSpec>;
