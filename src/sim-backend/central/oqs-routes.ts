import type { Express } from 'express';
import { isoDate, jstDate, jstTimestamp, toYmd, type Clock, type IsoDate } from '../../domain/index.js';
import { NO_CONSENT } from '../../protocol/consent.js';
import type { MedicalInfoKind } from '../../protocol/central-api.js';
import {
  OQS_MESSAGES,
  OQS_PROCESSING_CODES,
  isOqsMessageKind,
  type BulkCheckDownloadResult,
  type BulkCheckUploadRequest,
  type BulkConfirmUnit,
  type BulkDownloadRequest,
  type BulkReferenceNumberDownloadResult,
  type BulkReferenceNumberRequest,
  type BulkRegistrationUnit,
  type BulkUploadResult,
  type HomeVisitUploadRequest,
  type MedicalAidUploadRequest,
  type OnlineCareUploadRequest,
  type MedicalInfoFileRequest,
  type MedicalInfoFileResult,
  type OqsMessageKind,
  type OqsResultHeader,
  type ReferenceNumberRegistrationInfo,
  type ReferenceNumberRequest,
  type ReferenceNumberResult,
} from '../../protocol/oqs-messages.js';
import type { CentralRoute } from '../../protocol/faults.js';
import { BulkJobs, receptionDateTime } from './bulk-jobs.js';
import { cardDataResult, lookupCardData } from './card-data-check.js';
import type { ConsentRegistry } from './consent-registry.js';
import type { FaultInjector, RequestContext } from './faults.js';
import type { Exchange, Reply } from './lean-routes.js';
import { medicalInfoMonths } from './medical-info-files.js';
import { buildQualificationResult, type RatioFieldScope } from './qualification-result.js';
import { ReferenceNumbers, withReferenceNumber } from './reference-numbers.js';
import { HomeConsents, registerHomeConsentRoute } from './home-consents.js';
import type { EligibilityStore, InsuredCardMatch } from './store.js';

/**
 * `POST /v1/oqs/:kind`: the folder messages beside the single check (oqs-messages.ts) as JSON,
 * the body being the request file's tree and the answer the result file's tree. The terminal
 * relays its req/ files here, and its own HTTP/WebSocket twins, unchanged.
 */

export interface OqsRouteOptions {
  /** Virtual ms before a bulk upload's download is ready (処理中 before); default 60 000. */
  bulkProcessingMs?: number;
  /** Consents registered from home (居宅同意取得型); pass one to inspect it. */
  homeConsents?: HomeConsents;
  /** Where 照会番号 are kept; pass one to inspect it. */
  referenceNumbers?: ReferenceNumbers;
  /**
   * 資格確認限定型 facilities (医療機関コード): qualification only; no medical information is
   * ever released to them (YZK/TKK files are refused).
   */
  qualificationOnlyFacilities?: readonly string[];
}

export interface OqsRouteDeps extends OqsRouteOptions {
  clock: Clock;
  store: EligibilityStore;
  faults: FaultInjector;
  consents: ConsentRegistry;
  ratioFieldScope?: RatioFieldScope | undefined;
  medicalInfoSeed?: number | undefined;
  send(req: Exchange, res: Reply, status: number, body: unknown): void;
  sendError(req: Exchange, res: Reply, status: number, code: string, message: string, field?: string): void;
  edge(req: Exchange, res: Reply, route: CentralRoute, ctx?: Omit<RequestContext, 'route' | 'now'>): Promise<boolean>;
}

const ROUTE_OF: Record<OqsMessageKind, CentralRoute> = {
  OQSmuquc01: 'bulk-checks',
  OQSmuquc02: 'bulk-checks',
  OQSsiimm01: 'reference-numbers',
  OQSmuimm01: 'reference-numbers',
  OQSmuimm02: 'reference-numbers',
  YZKsiquc01: 'medical-info-files',
  TKKsiquc01: 'medical-info-files',
  OQSmuhvq01: 'bulk-checks',
  OQSmuhvq02: 'bulk-checks',
  OQSmutic01: 'bulk-checks',
  OQSmutic02: 'bulk-checks',
  OQSmuonq01: 'bulk-checks',
  OQSmuonq02: 'bulk-checks',
};

/** Uploads answered by a …02 download of BulkConfirmUnit. */
type BulkConfirmUploadKind = 'OQSmuquc01' | 'OQSmuhvq01' | 'OQSmutic01' | 'OQSmuonq01';

/** What the routes keep, for the card-check paths that must show it too (face files, OQSsiquc01). */
export interface OqsRoutes {
  /** 照会番号: pass `referenceNumber: referenceNumbers.get(facility, personId)` to buildQualificationResult. */
  referenceNumbers: ReferenceNumbers;
  homeConsents: HomeConsents;
}

export function registerOqsRoutes(app: Express, deps: OqsRouteDeps): OqsRoutes {
  const { clock, store } = deps;
  // One job list for both bulk kinds, so a ReceptionNumber names exactly one upload.
  const jobs = new BulkJobs<BulkConfirmUnit | BulkRegistrationUnit>({ processingMs: deps.bulkProcessingMs });
  const referenceNumbers = deps.referenceNumbers ?? new ReferenceNumbers();
  const qualificationOnly = new Set(deps.qualificationOnlyFacilities ?? []);
  // POST /v1/medical-info asks the same registry, so 資格確認限定型 holds there too.
  deps.consents.markQualificationOnly(qualificationOnly);
  const homeConsents = deps.homeConsents ?? new HomeConsents();
  registerHomeConsentRoute(app, { ...deps, homeConsents, qualificationOnly });

  const header = (facility: string, fileId: string | undefined, extra: Partial<OqsResultHeader> = {}): OqsResultHeader => ({
    ProcessExecutionTime: jstTimestamp(clock.now()),
    CharacterCodeIdentifier: '0',
    SegmentOfResult: '1',
    ...extra,
    ...(fileId !== undefined ? { ArbitraryFileIdentifier: fileId } : {}),
    MedicalInstitutionCode: facility,
  });

  // ─── 一括照会 ───
  const bulkCheckUpload = (request: BulkCheckUploadRequest): BulkUploadResult => {
    const h = request.XmlMsg.MessageHeader;
    const now = clock.now();
    const units: BulkConfirmUnit[] = request.XmlMsg.MessageBody.QualificationConfirmSearchInfo.map((search) => {
      const lookup = lookupCardData(store, h, search);
      if (!lookup.ok) {
        return { QualificationConfirmSearchInfo: search, ProcessingResultStatus: '2', ProcessingResultMessage: `${lookup.field} ${lookup.message}` };
      }
      const answered = cardDataResult({ faults: deps.faults, ratioFieldScope: deps.ratioFieldScope, header: h, search, date: lookup.date, match: lookup.match, now });
      const refNo = answered.personId !== undefined ? referenceNumbers.get(h.MedicalInstitutionCode, answered.personId) : undefined;
      const body = withReferenceNumber(answered.document, refNo).XmlMsg.MessageBody;
      const result = body.ResultList?.ResultOfQualificationConfirmation[0];
      return {
        QualificationConfirmSearchInfo: search,
        ProcessingResultStatus: body.ProcessingResultStatus,
        ...(body.ProcessingResultCode !== undefined ? { ProcessingResultCode: body.ProcessingResultCode } : {}),
        ...(body.ProcessingResultMessage !== undefined ? { ProcessingResultMessage: body.ProcessingResultMessage } : {}),
        ...(body.QualificationValidity !== undefined ? { QualificationValidity: body.QualificationValidity } : {}),
        ...(result ? { ResultOfQualificationConfirmation: result } : {}),
        ...(refNo !== undefined ? { ReferenceNumber: refNo } : {}),
      };
    });
    const job = jobs.submit('OQSmuquc01', h.MedicalInstitutionCode, units, now);
    return receipt(h.MedicalInstitutionCode, h.ArbitraryFileIdentifier, job);
  };

  const receipt = (facility: string, fileId: string | undefined, job: { receptionNumber: string; receivedAt: number }): BulkUploadResult => ({
    XmlMsg: {
      MessageHeader: header(facility, fileId),
      MessageBody: { ReceptionNumber: job.receptionNumber, ReceptionDateTime: receptionDateTime(job), ProcessingResultStatus: '1' },
    },
  });

  /** The download header: 処理中 (2) until ready, then 正常終了 (1) with the counters; 9 for an unknown number. */
  const downloadHeader = <U extends BulkConfirmUnit | BulkRegistrationUnit>(kind: BulkConfirmUploadKind | 'OQSmuimm01', request: BulkDownloadRequest): { header: OqsResultHeader; units: U[] } => {
    const h = request.XmlMsg.MessageHeader;
    const number = request.XmlMsg.MessageBody.ReceptionNumber;
    const found = jobs.lookup(kind, number, h.MedicalInstitutionCode, clock.now());
    if (found.state === 'unknown' || found.state === 'other-facility' || found.state === 'other-kind') {
      const why = found.state === 'other-kind' ? `it belongs to a ${found.kind} upload, not ${kind}` : `no ${kind} upload of facility ${h.MedicalInstitutionCode} has it`;
      return {
        header: header(h.MedicalInstitutionCode, h.ArbitraryFileIdentifier, {
          SegmentOfResult: '9',
          ErrorCode: OQS_PROCESSING_CODES['unknown-reception-number'],
          ErrorMessage: `ReceptionNumber ${number}: ${why}; use the number of your upload receipt`,
          ReceptionNumber: number,
        }),
        units: [],
      };
    }
    const { job } = found;
    if (found.state === 'processing') {
      return { header: header(h.MedicalInstitutionCode, h.ArbitraryFileIdentifier, { SegmentOfResult: '2', ReceptionNumber: number }), units: [] };
    }
    const normal = job.units.filter((u) => u.ProcessingResultStatus === '1').length;
    return {
      header: header(h.MedicalInstitutionCode, h.ArbitraryFileIdentifier, {
        ReceptionNumber: number,
        NumberOfProcessingResult: String(job.units.length),
        NumberOfNormalProcessing: String(normal),
        NumberOfError: String(job.units.length - normal),
      }),
      units: [...job.units] as U[],
    };
  };

  const bulkCheckDownload = (request: BulkDownloadRequest, kind: BulkConfirmUploadKind = 'OQSmuquc01'): BulkCheckDownloadResult => {
    const { header: h, units } = downloadHeader<BulkConfirmUnit>(kind, request);
    return { XmlMsg: { MessageHeader: h, MessageBody: { BulkConfirmUnit: units } } };
  };

  /**
   * One person's BulkConfirmUnit of a retrieval kind (訪問診療等, オンライン診療等, 医療扶助): the
   * qualification on `date` with this facility's 照会番号, the search keys being the person's
   * current card data (the request named no card).
   */
  const personUnit = (facility: string, personId: string, date: IsoDate, now: number): BulkConfirmUnit | undefined => {
    const stored = store.get(personId);
    if (!stored) return undefined;
    const record = deps.faults.viewRecord(stored, date, { facility, via: 'certificate' });
    const refNo = referenceNumbers.get(facility, record.person.id);
    const built = deps.faults.adjustResult(
      buildQualificationResult({
        person: record.person,
        qualifications: record.qualifications,
        date,
        now,
        consent: NO_CONSENT,
        certificateStatus: 'valid',
        registered: record.registered,
        medicalInstitutionCode: facility,
        ...(deps.ratioFieldScope !== undefined ? { ratioFieldScope: deps.ratioFieldScope } : {}),
        ...(refNo !== undefined ? { referenceNumber: refNo } : {}),
      }),
      record.person.id,
    );
    const body = built.XmlMsg.MessageBody;
    const result = body.ResultList?.ResultOfQualificationConfirmation[0];
    return {
      QualificationConfirmSearchInfo: {
        InsurerNumber: result?.InsurerNumber ?? '',
        ...(result?.InsuredCardSymbol !== undefined ? { InsuredCardSymbol: result.InsuredCardSymbol } : {}),
        InsuredIdentificationNumber: result?.InsuredIdentificationNumber ?? '',
        ...(result?.InsuredBranchNumber !== undefined ? { InsuredBranchNumber: result.InsuredBranchNumber } : {}),
        Birthdate: toYmd(record.person.birthDate),
        LimitApplicationCertificateRelatedConsFlg: '1',
      },
      ProcessingResultStatus: body.ProcessingResultStatus,
      ...(body.QualificationValidity !== undefined ? { QualificationValidity: body.QualificationValidity } : {}),
      ...(result ? { ResultOfQualificationConfirmation: result } : {}),
      ...(refNo !== undefined ? { ReferenceNumber: refNo } : {}),
    };
  };

  /** The facility's consents taken at home (居宅同意取得型) in from..to with this 診療区分, one unit per person. */
  const consentUnits = (facility: string, from: string, to: string, flag: '2' | '3', now: number): BulkConfirmUnit[] =>
    homeConsents.between(facility, from, to, flag).flatMap((c) => personUnit(facility, c.personId, jstDate(now), now) ?? []);

  // ─── 訪問診療等 (居宅同意取得型): the consents taken at home in a date range ───
  const homeVisitUpload = (request: HomeVisitUploadRequest): BulkUploadResult => {
    const h = request.XmlMsg.MessageHeader;
    const q = request.XmlMsg.MessageBody.QualificationConfirmSearchInfo;
    const now = clock.now();
    const units = consentUnits(h.MedicalInstitutionCode, q.ConsentDateFrom, q.ConsentDateTo, q.MedicalTreatmentFlag, now);
    return receipt(h.MedicalInstitutionCode, h.ArbitraryFileIdentifier, jobs.submit('OQSmuhvq01', h.MedicalInstitutionCode, units, now));
  };

  // ─── オンライン診療等: by consent dates, or by examination dates — which we take to be the dates of
  // the consents given at home for them (マイナ在宅受付Web is used at each online visit; ours) ───
  const onlineCareUpload = (request: OnlineCareUploadRequest): BulkUploadResult => {
    const h = request.XmlMsg.MessageHeader;
    const q = request.XmlMsg.MessageBody.QualificationConfirmSearchInfo;
    const now = clock.now();
    // The schema guarantees exactly one complete range.
    const from = (q.ConsentDateFrom ?? q.ExaminationDateFrom)!;
    const to = (q.ConsentDateTo ?? q.ExaminationDateTo)!;
    const units = consentUnits(h.MedicalInstitutionCode, from, to, q.MedicalTreatmentFlag, now);
    return receipt(h.MedicalInstitutionCode, h.ArbitraryFileIdentifier, jobs.submit('OQSmuonq01', h.MedicalInstitutionCode, units, now));
  };

  // ─── 医療扶助: the people of the store whose 医療券/調剤券 of the month name this facility ───
  const medicalAidUpload = (request: MedicalAidUploadRequest): BulkUploadResult => {
    const h = request.XmlMsg.MessageHeader;
    const ym = request.XmlMsg.MessageBody.QualificationConfirmSearchInfo.MedicalTreatmentMonth;
    const month = `${ym.slice(0, 4)}-${ym.slice(4, 6)}`;
    const now = clock.now();
    const today = jstDate(now);
    // Checked on today when the month is the current one, else on its first day (ours: not public).
    const date = today.startsWith(month) ? today : isoDate(`${month}-01`);
    const units: BulkConfirmUnit[] = [];
    // Only people with 公費 are listed: a generated population (no 公費) is skipped unread.
    for (const stored of store.people({ publicExpense: true })) {
      const named = stored.qualifications.some((q) => q.publicExpense?.tickets?.some((t) => t.month === month && t.designatedInstitutionCode === h.MedicalInstitutionCode));
      const unit = named ? personUnit(h.MedicalInstitutionCode, stored.person.id, date, now) : undefined;
      if (unit) units.push(unit);
    }
    return receipt(h.MedicalInstitutionCode, h.ArbitraryFileIdentifier, jobs.submit('OQSmutic01', h.MedicalInstitutionCode, units, now));
  };

  // ─── 照会番号 ───
  const registerOne = (facility: string, info: ReferenceNumberRegistrationInfo): BulkRegistrationUnit => {
    const matches = store.findByInsuredCard({
      insurerNumber: info.InsurerNumber,
      number: info.InsuredIdentificationNumber,
      ...(info.InsuredCardSymbol !== undefined ? { symbol: info.InsuredCardSymbol } : {}),
      ...(info.InsuredBranchNumber !== undefined ? { branch: info.InsuredBranchNumber } : {}),
    });
    const people = [...new Set(matches.map((m: InsuredCardMatch) => m.record.person.id))];
    const refuse = (code: keyof typeof OQS_PROCESSING_CODES, message: string): BulkRegistrationUnit => ({
      ReferenceNumberRegistrationInfo: info,
      ProcessingResultStatus: '2',
      ProcessingResultCode: OQS_PROCESSING_CODES[code],
      ProcessingResultMessage: message,
    });
    if (people.length === 0) return refuse('reference-card-not-found', '該当する資格情報がありません（保険者番号・記号・番号・枝番を確認してください）');
    if (people.length > 1) return refuse('reference-card-ambiguous', '複数の資格情報が該当します（枝番を指定してください）');
    const done = referenceNumbers.register(facility, people[0]!, info.ReferenceNumber);
    if (!done.ok) return refuse('reference-number-taken', `照会番号 ${info.ReferenceNumber} は当医療機関で別の患者に登録済みです`);
    return { ReferenceNumberRegistrationInfo: info, ProcessingResultStatus: '1' };
  };

  const referenceNumber = (request: ReferenceNumberRequest): ReferenceNumberResult => {
    const h = request.XmlMsg.MessageHeader;
    return { XmlMsg: { MessageHeader: header(h.MedicalInstitutionCode, h.ArbitraryFileIdentifier), MessageBody: registerOne(h.MedicalInstitutionCode, request.XmlMsg.MessageBody.ReferenceNumberRegistrationInfo) } };
  };

  const bulkReferenceUpload = (request: BulkReferenceNumberRequest): BulkUploadResult => {
    const h = request.XmlMsg.MessageHeader;
    const units = request.XmlMsg.MessageBody.ReferenceNumberRegistrationInfo.map((info) => registerOne(h.MedicalInstitutionCode, info));
    return receipt(h.MedicalInstitutionCode, h.ArbitraryFileIdentifier, jobs.submit('OQSmuimm01', h.MedicalInstitutionCode, units, clock.now()));
  };

  const bulkReferenceDownload = (request: BulkDownloadRequest): BulkReferenceNumberDownloadResult => {
    const { header: h, units } = downloadHeader<BulkRegistrationUnit>('OQSmuimm01', request);
    return { XmlMsg: { MessageHeader: h, MessageBody: { BulkRegistrationUnit: units } } };
  };

  // ─── 薬剤情報 / 特定健診情報 ───
  const medicalInfoFile = (kind: 'YZKsiquc01' | 'TKKsiquc01', request: MedicalInfoFileRequest): MedicalInfoFileResult => {
    const h = request.XmlMsg.MessageHeader;
    const body = request.XmlMsg.MessageBody;
    const now = clock.now();
    const base = {
      ProcessExecutionTime: jstTimestamp(now),
      CharacterCodeIdentifier: '0',
      MedicalInstitutionCode: h.MedicalInstitutionCode,
      ...(h.ArbitraryFileIdentifier !== undefined ? { ArbitraryFileIdentifier: h.ArbitraryFileIdentifier } : {}),
    };
    const refuse = (code: keyof typeof OQS_PROCESSING_CODES, message: string): MedicalInfoFileResult => ({
      XmlMsg: { MessageHeader: { ...base, ResultCode: '2', MessageContents: `${OQS_PROCESSING_CODES[code]} ${message}` }, MessageBody: {} },
    });
    if (qualificationOnly.has(h.MedicalInstitutionCode)) {
      return refuse('facility-mode-qualification-only', `医療機関 ${h.MedicalInstitutionCode} は資格確認限定型です。薬剤情報・特定健診情報等は提供されません`);
    }
    if (body.FileCategory === '1' || body.FileCategory === '3') {
      return refuse('medical-info-pdf-unsupported', `FileCategory ${body.FileCategory} (PDF) はこのエミュレータでは作成しません。2 または 4 (XML) を指定してください`);
    }
    const matches = store.findByInsuredCard({
      insurerNumber: h.InsurerNumber,
      number: h.InsuredPersonIdentificationNumber,
      ...(h.InsuranceCardSymbol !== undefined ? { symbol: h.InsuranceCardSymbol } : {}),
      ...(h.BranchNumber !== undefined ? { branch: h.BranchNumber } : {}),
    });
    const people = [...new Set(matches.map((m) => m.record.person.id))];
    if (people.length !== 1) {
      return refuse('medical-info-person-not-found', people.length === 0 ? '該当する資格情報がありません' : '複数の資格情報が該当します（枝番を指定してください）');
    }
    const personId = people[0]!;
    const person = matches[0]!.record.person;
    const kinds: MedicalInfoKind[] = kind === 'TKKsiquc01' ? ['checkup'] : body.FileCategory === '4' ? ['pharmacy', 'diagnosis'] : ['pharmacy'];
    const allowed = kinds.map((k) => ({ kind: k, decision: deps.consents.decide(personId, h.MedicalInstitutionCode, k, now) }));
    const refused = allowed.find((a) => !a.decision.allowed);
    if (refused && !refused.decision.allowed) return refuse('medical-info-refused', `${refused.decision.reason}: ${refused.decision.message}`);
    const months: NonNullable<MedicalInfoFileResult['XmlMsg']['MessageBody']> = {};
    for (const { kind: k, decision } of allowed) {
      if (!decision.allowed) continue;
      deps.consents.noteRelease({ at: now, personId, medicalInstitutionCode: h.MedicalInstitutionCode, kind: k, checkId: decision.consent.checkId });
      const blocks = medicalInfoMonths({ seed: deps.medicalInfoSeed ?? 0, personId, kind: k, now, from: body.StartDate, to: body.EndDate });
      if (k === 'pharmacy') months.CzDiMonthInf = blocks;
      else if (k === 'diagnosis') months.MeTrMonthInf = blocks;
      else months.SpHeMonthInf = blocks;
    }
    return {
      XmlMsg: {
        MessageHeader: {
          ...base,
          ResultCode: '1',
          QuaInf: {
            InsurerNumber: h.InsurerNumber,
            ...(h.InsuranceCardSymbol !== undefined ? { InsuranceCardSymbol: h.InsuranceCardSymbol } : {}),
            InsuredPersonIdentificationNumber: h.InsuredPersonIdentificationNumber,
            ...(h.BranchNumber !== undefined ? { BranchNumber: h.BranchNumber } : {}),
            Name: person.name,
            ...(person.nameKana !== undefined ? { NameKana: person.nameKana } : {}),
            Birthdate: toYmd(person.birthDate),
          },
        },
        MessageBody: months,
      },
    };
  };

  const answer = (kind: OqsMessageKind, request: unknown): unknown => {
    switch (kind) {
      case 'OQSmuquc01':
        return bulkCheckUpload(request as BulkCheckUploadRequest);
      case 'OQSmuquc02':
        return bulkCheckDownload(request as BulkDownloadRequest);
      case 'OQSsiimm01':
        return referenceNumber(request as ReferenceNumberRequest);
      case 'OQSmuimm01':
        return bulkReferenceUpload(request as BulkReferenceNumberRequest);
      case 'OQSmuimm02':
        return bulkReferenceDownload(request as BulkDownloadRequest);
      case 'YZKsiquc01':
      case 'TKKsiquc01':
        return medicalInfoFile(kind, request as MedicalInfoFileRequest);
      case 'OQSmuhvq01':
        return homeVisitUpload(request as HomeVisitUploadRequest);
      case 'OQSmuhvq02':
        return bulkCheckDownload(request as BulkDownloadRequest, 'OQSmuhvq01');
      case 'OQSmutic01':
        return medicalAidUpload(request as MedicalAidUploadRequest);
      case 'OQSmutic02':
        return bulkCheckDownload(request as BulkDownloadRequest, 'OQSmutic01');
      case 'OQSmuonq01':
        return onlineCareUpload(request as OnlineCareUploadRequest);
      case 'OQSmuonq02':
        return bulkCheckDownload(request as BulkDownloadRequest, 'OQSmuonq01');
    }
  };

  app.post('/v1/oqs/:kind', async (req, res) => {
    const kind = String(req.params.kind);
    if (!isOqsMessageKind(kind)) {
      deps.sendError(req, res, 404, 'unknown-kind', `POST /v1/oqs/${kind}: not a message kind of this central (${Object.keys(OQS_MESSAGES).join(', ')}; OQSsiquc01 is POST /v1/qualification-checks)`);
      return;
    }
    const parsed = OQS_MESSAGES[kind].request.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '';
      deps.sendError(req, res, 400, 'invalid-request', `POST /v1/oqs/${kind}: ${field || 'the body'}: ${issue?.message ?? 'invalid'} (see src/protocol/oqs-messages.ts)`, field || undefined);
      return;
    }
    const facility = (parsed.data as { XmlMsg: { MessageHeader: { MedicalInstitutionCode: string } } }).XmlMsg.MessageHeader.MedicalInstitutionCode;
    if (!(await deps.edge(req, res, ROUTE_OF[kind], { medicalInstitutionCode: facility }))) return;
    deps.send(req, res, 200, answer(kind, parsed.data));
  });
  return { referenceNumbers, homeConsents };
}
