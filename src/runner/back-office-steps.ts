import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import WebSocket from 'ws';
import { jstDate } from '../domain/clock.js';
import { BulkCheckDownloadResult, BulkUploadResult, MedicalInfoFileResult, ReferenceNumberResult, decodeOqsMessageResult, encodeOqsMessageRequest, type OqsMessageKind } from '../protocol/oqs-messages.js';
import { NO_CONSENT } from '../protocol/consent.js';
import type { BackOfficeAnswer } from '../protocol/back-office.js';
import { OqsResultMessage } from '../protocol/oqs-result.js';
import type { QualificationConfirmSearchInfo } from '../protocol/oqs-request.js';
import type { Scenario, Step } from '../scenarios/schema.js';
import { readAuthCertificate, selectJpkiAp, verifyPinAndSign } from '../sim-reader/index.js';
import type { Rig } from './rig.js';

/**
 * The back-office steps: 一括照会 upload/download over the terminal's folder, HTTP or WebSocket
 * interface, medical-information fetches and home consents at central, and J-LIS revocation with
 * a fresh CRL. Answers meant for the reception go to its back office (SutSession.backOffice).
 */

type Via = 'folder' | 'http' | 'ws';
type StepOf<K extends string> = Extract<Step, Record<K, unknown>>;

/** Real milliseconds an answer in res/ may take (the folder watcher polls every 200 ms). */
const FOLDER_ANSWER_TIMEOUT_MS = 5000;

const ymd = (iso: string): string => iso.replaceAll('-', '');

/** What a batch-check sends of a patient: the birth date and the first qualification's card data. */
interface BookedPatient {
  birthDate: string;
  qualifications: ReadonlyArray<{ insurerNumber: string; symbol?: string | undefined; number: string; branch?: string | undefined }>;
}

/**
 * The patient's first qualification as 一括照会 search keys, ArbitraryIdentifier = the key: a
 * persona, else a person of `central.dataset` (a booked patient who brings no card to the rig).
 */
export function searchInfoFor(scenario: Scenario, key: string, step: number, dataset: ReadonlyMap<string, BookedPatient> = new Map()): QualificationConfirmSearchInfo {
  const persona: BookedPatient | undefined = scenario.personas[key] ?? dataset.get(key);
  const q = persona?.qualifications[0];
  if (!persona) throw new Error(`step ${step}: no persona or dataset person "${key}"; declare it under personas or in central.dataset`);
  if (!q) throw new Error(`step ${step}: "${key}" has no qualification to send; add one to its qualifications`);
  return {
    InsurerNumber: q.insurerNumber.padStart(8, ' '),
    ...(q.symbol !== undefined ? { InsuredCardSymbol: q.symbol } : {}),
    InsuredIdentificationNumber: q.number,
    ...(q.branch !== undefined ? { InsuredBranchNumber: q.branch } : {}),
    Birthdate: ymd(persona.birthDate),
    LimitApplicationCertificateRelatedConsFlg: '1',
    ArbitraryIdentifier: key,
  };
}

let folderSequence = 0;

async function viaFolder(rig: Rig, kind: OqsMessageKind, request: unknown): Promise<unknown> {
  folderSequence += 1;
  const suffix = `rig${process.pid}x${folderSequence}`;
  const req = join(rig.folderRoot, 'req');
  await mkdir(req, { recursive: true });
  const tmp = join(req, `.${kind}req_${suffix}.xml.tmp`);
  // Written aside and renamed in, as a careful reception system does.
  await writeFile(tmp, encodeOqsMessageRequest(kind, request, { encoding: 'utf8' }));
  await rename(tmp, join(req, `${kind}req_${suffix}.xml`));
  const name = `${kind}res_${suffix}.xml`;
  const answer = join(rig.folderRoot, 'res', name);
  // With bulkResultFormat zip the terminal writes bulk download results as <name>.zip instead
  // (docs/protocols/oqs-folders.md "Bulk results as .zip"): a client watches for both names.
  const zipped = join(rig.folderRoot, 'res', `${kind}res_${suffix}.zip`);
  const deadline = Date.now() + FOLDER_ANSWER_TIMEOUT_MS;
  for (;;) {
    const xml = await readFile(answer).catch(() => undefined);
    const zip = xml ? undefined : await readFile(zipped).catch(() => undefined);
    if (xml || zip) {
      await rm(xml ? answer : zipped, { force: true });
      const bytes = xml ?? xmlFromZip(zip!, name, zipped);
      const decoded = decodeOqsMessageResult(kind, bytes);
      if ('error' in decoded) throw new Error(`${xml ? name : `${name} in ${kind}res_${suffix}.zip`} from the terminal does not decode: ${decoded.error.message}`);
      return decoded.result;
    }
    if (Date.now() > deadline) throw new Error(`no ${name} (nor .zip) in ${join(rig.folderRoot, 'res')} within ${FOLDER_ANSWER_TIMEOUT_MS} ms; is the terminal's folder gateway running?`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The one XML entry of a zipped result: named as the .xml file it stands for (oqs-folders.md). */
export function xmlFromZip(zip: Uint8Array, entryName: string, where: string): Uint8Array {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch (e) {
    throw new Error(`${where}: not a readable zip (${(e as Error).message}); the terminal writes one deflated entry ${entryName}`, { cause: e });
  }
  const entry = entries[entryName];
  if (!entry) throw new Error(`${where}: no entry ${entryName} in the zip (entries: ${Object.keys(entries).join(', ') || 'none'}); the terminal writes the result XML under the .xml name`);
  return entry;
}

async function viaHttp(rig: Rig, kind: OqsMessageKind, request: unknown): Promise<unknown> {
  const response = await fetch(`${rig.terminal.url}/oqs/${kind}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  return (await response.json()) as unknown;
}

async function viaWs(rig: Rig, kind: OqsMessageKind, request: unknown): Promise<unknown> {
  const ws = new WebSocket(rig.terminal.oqsUrl);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const answer = new Promise<unknown>((resolve, reject) => {
      ws.on('message', (raw) => {
        const frame = JSON.parse(String(raw)) as { type?: string; id?: string; result?: unknown; message?: string };
        if (frame.type === 'oqs.result' && frame.id === 'rig-1') resolve(frame.result);
        else if (frame.type === 'protocol.error') reject(new Error(`terminal ${rig.terminal.oqsUrl}: protocol.error: ${frame.message ?? ''}`));
      });
    });
    ws.send(JSON.stringify({ v: 1, id: 'rig-1', kind, request }));
    return await answer;
  } finally {
    ws.close();
  }
}

export function sendOqs(rig: Rig, via: Via, kind: OqsMessageKind, request: unknown): Promise<unknown> {
  return via === 'folder' ? viaFolder(rig, kind, request) : via === 'ws' ? viaWs(rig, kind, request) : viaHttp(rig, kind, request);
}

async function deliver(rig: Rig, answer: BackOfficeAnswer): Promise<void> {
  if (!rig.sut.backOffice) throw new Error('this SUT has no back office the harness can reach (remote SUT protocol v1): back-office steps need the in-process reception');
  await rig.sut.backOffice.deliver(answer);
}

export async function batchCheck(rig: Rig, scenario: Scenario, step: StepOf<'batch-check'>, index: number): Promise<void> {
  const { patients, date, via } = step['batch-check'];
  const request = {
    XmlMsg: {
      MessageHeader: { QualificationConfirmationDate: ymd(date ?? jstDate(rig.clock.now())), MedicalInstitutionCode: rig.medicalInstitutionCode, ArbitraryFileIdentifier: `batch-${index}` },
      MessageBody: { QualificationConfirmSearchInfo: patients.map((p) => searchInfoFor(scenario, p, index, rig.datasetPersons)) },
    },
  };
  const receipt = BulkUploadResult.safeParse(await sendOqs(rig, via, 'OQSmuquc01', request));
  const number = receipt.success ? receipt.data.XmlMsg.MessageBody.ReceptionNumber : undefined;
  if (!number) throw new Error(`step ${index}: batch-check: the terminal's OQSmuquc01 receipt has no ReceptionNumber: ${JSON.stringify(receipt.success ? receipt.data.XmlMsg.MessageHeader : receipt.error.issues[0])}`);
  rig.backOffice.receptionNumber = number;
}

export async function batchDownload(rig: Rig, step: StepOf<'batch-download'>, index: number): Promise<void> {
  const value = step['batch-download'];
  const via: Via = typeof value === 'object' && value !== null ? value.via : 'http';
  const number = rig.backOffice.receptionNumber;
  if (!number) throw new Error(`step ${index}: batch-download: no ReceptionNumber yet; put a batch-check step before it`);
  const request = { XmlMsg: { MessageHeader: { MedicalInstitutionCode: rig.medicalInstitutionCode }, MessageBody: { ReceptionNumber: number } } };
  const parsed = BulkCheckDownloadResult.safeParse(await sendOqs(rig, via, 'OQSmuquc02', request));
  if (!parsed.success) throw new Error(`step ${index}: batch-download: the OQSmuquc02 answer does not match its tree: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  await deliver(rig, { kind: 'bulk-check-download', result: parsed.data });
}

/**
 * 照会番号 registration (OQSsiimm01) of the patient's first qualification. The answer is the
 * terminal's; a refusal (card data names nobody / several people, number held by another patient:
 * docs/protocols/oqs-folders.md MRX042–044) fails the step with central's code and message.
 */
export async function registerReferenceNumber(rig: Rig, scenario: Scenario, step: StepOf<'register-reference-number'>, index: number): Promise<void> {
  const { patient, number, via } = step['register-reference-number'];
  const card = searchInfoFor(scenario, patient, index, rig.datasetPersons);
  const request = {
    XmlMsg: {
      MessageHeader: { MedicalInstitutionCode: rig.medicalInstitutionCode, ArbitraryFileIdentifier: `refno-${index}` },
      MessageBody: {
        ReferenceNumberRegistrationInfo: {
          ReferenceNumber: number,
          InsurerNumber: card.InsurerNumber,
          ...(card.InsuredCardSymbol !== undefined ? { InsuredCardSymbol: card.InsuredCardSymbol } : {}),
          InsuredIdentificationNumber: card.InsuredIdentificationNumber,
          ...(card.InsuredBranchNumber !== undefined ? { InsuredBranchNumber: card.InsuredBranchNumber } : {}),
        },
      },
    },
  };
  const parsed = ReferenceNumberResult.safeParse(await sendOqs(rig, via, 'OQSsiimm01', request));
  if (!parsed.success) throw new Error(`step ${index}: register-reference-number: the OQSsiimm01 answer does not match its tree: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const { MessageHeader: h, MessageBody: b } = parsed.data.XmlMsg;
  if (h.SegmentOfResult !== '1' || b.ProcessingResultStatus !== '1') {
    const why = [h.ErrorCode, h.ErrorMessage, b.ProcessingResultCode, b.ProcessingResultMessage].filter((x) => x !== undefined && x !== '').join(' ');
    throw new Error(`step ${index}: register-reference-number: central refused 照会番号 "${number}" for "${patient}": ${why || `SegmentOfResult ${h.SegmentOfResult}, ProcessingResultStatus ${b.ProcessingResultStatus}`}; check the patient's card data and that no other patient holds the number`);
  }
}

async function postCentral(rig: Rig, path: string, body: unknown, contentType = 'application/json'): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${rig.centralUrl}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function deleteCentral(rig: Rig, path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${rig.centralUrl}${path}`, { method: 'DELETE' });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/**
 * The refusal code of a YZK/TKK result (ResultCode 2): MessageContents starts with our processing
 * code (docs/protocols/oqs-folders.md): MRX045 is followed by central's refusal reason
 * (`no-consent`, `consent-expired`, …); MRX048 is the 資格確認限定型 refusal; others keep their code.
 */
export function fileRefusal(messageContents: string | undefined): string {
  const text = messageContents ?? '';
  const refused = /^MRX045 ([a-z-]+):/.exec(text);
  if (refused) return refused[1]!;
  if (text.startsWith('MRX048')) return 'qualification-only-facility';
  return /^(MRX\d{3})/.exec(text)?.[1] ?? 'file-refused';
}

/** Medical information as the terminal's result file (YZKsiquc01 / TKKsiquc01), read into the back-office answer. */
async function medicalInfoFile(rig: Rig, scenario: Scenario, step: StepOf<'request-medical-info'>, index: number, via: Via): Promise<{ status: number; refusal?: string; entries?: number }> {
  const { patient, kind } = step['request-medical-info'];
  const card = searchInfoFor(scenario, patient, index, rig.datasetPersons);
  const fileKind = kind === 'checkup' ? 'TKKsiquc01' : 'YZKsiquc01';
  const request = {
    XmlMsg: {
      MessageHeader: {
        MedicalInstitutionCode: rig.medicalInstitutionCode,
        InsurerNumber: card.InsurerNumber,
        ...(card.InsuredCardSymbol !== undefined ? { InsuranceCardSymbol: card.InsuredCardSymbol } : {}),
        InsuredPersonIdentificationNumber: card.InsuredIdentificationNumber,
        ...(card.InsuredBranchNumber !== undefined ? { BranchNumber: card.InsuredBranchNumber } : {}),
        ArbitraryFileIdentifier: `medinfo-${index}`,
      },
      // FileCategory 2: 薬剤 XML (or 特定健診 XML for TKK); 4: 薬剤+診療 XML.
      MessageBody: { FileCategory: kind === 'diagnosis' ? '4' : '2' },
    },
  };
  const parsed = MedicalInfoFileResult.safeParse(await sendOqs(rig, via, fileKind, request));
  if (!parsed.success) throw new Error(`step ${index}: request-medical-info: the ${fileKind} answer does not match its tree: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const { MessageHeader: h, MessageBody: b } = parsed.data.XmlMsg;
  if (h.ResultCode !== '1') return { status: 403, refusal: fileRefusal(h.MessageContents) };
  const months = kind === 'pharmacy' ? b.CzDiMonthInf : kind === 'diagnosis' ? b.MeTrMonthInf : b.SpHeMonthInf;
  return { status: 200, entries: (months ?? []).reduce((n, m) => n + m.Entry.length, 0) };
}

export async function requestMedicalInfo(rig: Rig, scenario: Scenario, step: StepOf<'request-medical-info'>, index: number): Promise<void> {
  const { patient, kind, via } = step['request-medical-info'];
  const releasedBefore = rig.consents.releasesNoted;
  if (via !== 'central') {
    const file = await medicalInfoFile(rig, scenario, step, index, via);
    rig.backOffice.lastFetchReleased = rig.consents.releasesNoted > releasedBefore;
    await deliver(rig, { kind: 'medical-info', patient, medicalKind: kind, ...file });
    return;
  }
  const { status, json } = await postCentral(rig, '/v1/medical-info', { medicalInstitutionCode: rig.medicalInstitutionCode, personId: patient, kind });
  if (status !== 200 && status !== 403) throw new Error(`step ${index}: request-medical-info: central answered HTTP ${status}: ${JSON.stringify(json)}`);
  // Read on central's side, not from the answer: "released" is what central recorded giving out.
  rig.backOffice.lastFetchReleased = rig.consents.releasesNoted > releasedBefore;
  const error = json.error as { code?: string } | undefined;
  const entries = Array.isArray(json.entries) ? json.entries.length : undefined;
  await deliver(rig, {
    kind: 'medical-info',
    patient,
    medicalKind: kind,
    status,
    ...(error?.code !== undefined ? { refusal: error.code } : {}),
    ...(entries !== undefined ? { entries } : {}),
  });
}

export async function homeConsent(rig: Rig, step: StepOf<'home-consent'>, index: number): Promise<void> {
  const { patient, consent, flag } = step['home-consent'];
  const { status, json } = await postCentral(rig, '/v1/home-consents', {
    medicalInstitutionCode: rig.medicalInstitutionCode,
    personId: patient,
    consent: { ...NO_CONSENT, ...consent },
    medicalTreatmentFlag: flag,
  });
  if (status !== 200) throw new Error(`step ${index}: home-consent: central answered HTTP ${status}: ${JSON.stringify(json)}`);
}

export function revoke(rig: Rig, step: StepOf<'revoke'>, index: number): void {
  const { patient, reason } = step.revoke;
  const card = rig.cards.get(patient);
  if (!card) throw new Error(`step ${index}: revoke: no card for persona "${patient}"`);
  rig.jlis.revoke(new X509Certificate(card.authCertificateDer).serialNumber, reason, { at: rig.clock.now() });
}

export async function loadCrl(rig: Rig, index: number): Promise<void> {
  const der = await rig.jlis.crlDer(rig.clock.now());
  const { status, json } = await postCentral(rig, '/admin/crl', { crl: Buffer.from(der).toString('base64') });
  if (status !== 200) throw new Error(`step ${index}: load-crl: central refused the CRL with HTTP ${status}: ${JSON.stringify(json)}`);
}

// ─── 居宅同意取得型 Web flow (docs/protocols/backend-api.md "居宅同意取得型 Web flow") ───

export async function homeLink(rig: Rig, step: StepOf<'home-link'>, index: number): Promise<void> {
  const value = step['home-link'];
  if (typeof value === 'object' && value !== null && 'withdraw' in value) {
    const token = rig.backOffice.homeLinkToken;
    if (token === undefined) throw new Error(`step ${index}: home-link: nothing to withdraw; put a home-link step that issues the URL before it`);
    const { status, json } = await deleteCentral(rig, `/v1/home-consent-links/${encodeURIComponent(token)}`);
    if (status !== 200) throw new Error(`step ${index}: home-link: withdrawing the URL, central answered HTTP ${status}: ${JSON.stringify(json)}`);
    return;
  }
  const flag = typeof value === 'object' && value !== null ? value.flag : '2';
  const { status, json } = await postCentral(rig, '/v1/home-consent-links', { medicalInstitutionCode: rig.medicalInstitutionCode, medicalTreatmentFlag: flag });
  if (status !== 201 || typeof json.token !== 'string') throw new Error(`step ${index}: home-link: central answered HTTP ${status}: ${JSON.stringify(json)}`);
  rig.backOffice.homeLinkToken = json.token;
}

/**
 * The patient's device on the facility's URL: a challenge, the card's certificate and its
 * signature over the nonce after the PIN (real APDUs on the persona's card), then the consent.
 * A refusal (the card's PIN answer, or central's reason) fails the step unless the step expects
 * exactly that refusal (`expect: { refused }`); then an accepted consent or another code fails it.
 */
export async function homeConsentWeb(rig: Rig, step: StepOf<'home-consent-web'>, index: number): Promise<void> {
  const { patient, pin, consent, expect } = step['home-consent-web'];
  const token = rig.backOffice.homeLinkToken;
  if (token === undefined) throw new Error(`step ${index}: home-consent-web: no facility URL yet; put a home-link step before it`);
  const card = rig.transports.get(patient);
  if (!card) throw new Error(`step ${index}: home-consent-web: no card for persona "${patient}"`);
  const base = `/v1/home/${encodeURIComponent(token)}`;
  const challenge = await postCentral(rig, `${base}/challenges`, {});
  const linkError = (challenge.json.error as { code?: unknown } | undefined)?.code;
  if (challenge.status === 404 && linkError === 'home-link-withdrawn') {
    settleRefusal(expect?.refused, linkError, `the facility withdrew the URL "${patient}" opened`, index);
    return;
  }
  if (challenge.status !== 200 || typeof challenge.json.nonce !== 'string' || typeof challenge.json.challengeId !== 'string') {
    throw new Error(`step ${index}: home-consent-web: POST ${base}/challenges answered HTTP ${challenge.status}: ${JSON.stringify(challenge.json)}`);
  }
  await selectJpkiAp(card);
  const certificate = await readAuthCertificate(card);
  const signed = await verifyPinAndSign(card, pin, new Uint8Array(Buffer.from(challenge.json.nonce, 'base64')));
  if (signed.kind !== 'signed') {
    const why = signed.kind === 'wrong' ? `wrong, ${signed.triesLeft} tries left` : 'locked';
    settleRefusal(expect?.refused, signed.kind === 'wrong' ? 'pin-wrong' : 'pin-locked', `the card of "${patient}" refused the PIN (${why}); give the persona's card.pin`, index);
    return;
  }
  const { status, json } = await postCentral(rig, `${base}/consents`, {
    certificate: Buffer.from(certificate).toString('base64'),
    challengeId: challenge.json.challengeId,
    signature: Buffer.from(signed.signature).toString('base64'),
    consent: { ...NO_CONSENT, ...consent },
  });
  const rejection = json.rejection as { reason?: unknown; message?: unknown } | undefined;
  if (status === 200 && json.accepted === false && typeof rejection?.reason === 'string') {
    settleRefusal(expect?.refused, rejection.reason, `central did not accept the consent of "${patient}": ${JSON.stringify(rejection)}`, index);
    return;
  }
  if (status !== 200 || json.accepted !== true || typeof json.checkId !== 'string') {
    throw new Error(`step ${index}: home-consent-web: central did not accept the consent of "${patient}" (HTTP ${status}): ${JSON.stringify(json.rejection ?? json)}`);
  }
  // Kept even when a refusal was expected: central registered this consent either way.
  rig.backOffice.homeChecks ??= {};
  rig.backOffice.homeChecks[patient] = json.checkId;
  if (expect?.refused !== undefined) {
    throw new Error(`step ${index}: home-consent-web: expected the consent of "${patient}" to be refused (${expect.refused}), but central accepted it (checkId ${json.checkId})`);
  }
}

/** A refused Web consent: the step passes when it expected exactly this code, else fails naming both. */
function settleRefusal(expected: string | undefined, code: string, what: string, index: number): void {
  if (expected === code) return;
  if (expected === undefined) throw new Error(`step ${index}: home-consent-web: ${what} (${code})`);
  throw new Error(`step ${index}: home-consent-web: expected refusal "${expected}", got "${code}": ${what}`);
}

/**
 * The facility fetches the qualification of the patient's last Web consent; central's answer is
 * kept for `traffic.homeQualification` and, with `to: reception`, handed to the reception's back
 * office (`home-qualification`: the result, or the refusal code) for its decision (`homeVisit`).
 */
export async function homeFetch(rig: Rig, step: StepOf<'home-fetch'>, index: number): Promise<void> {
  const { patient, to } = step['home-fetch'];
  const checkId = rig.backOffice.homeChecks?.[patient];
  if (checkId === undefined) throw new Error(`step ${index}: home-fetch: no Web consent of "${patient}" yet; put a home-consent-web step before it`);
  const { status, json } = await postCentral(rig, `/v1/home-consents/${encodeURIComponent(checkId)}/qualification`, { medicalInstitutionCode: rig.medicalInstitutionCode });
  const answer = homeQualificationAnswer(patient, status, json, index);
  rig.backOffice.homeQualification = answer.status === 200 ? 'served' : answer.refusal!;
  if (to === 'reception') await deliver(rig, answer);
}

type HomeQualificationAnswer = Extract<BackOfficeAnswer, { kind: 'home-qualification' }>;

/** Central's answer to a home fetch as the back-office answer; throws on an answer that is neither a result nor a coded refusal. */
export function homeQualificationAnswer(patient: string, status: number, json: Record<string, unknown>, index: number): HomeQualificationAnswer {
  if (status === 200) {
    const result = OqsResultMessage.safeParse(json.result);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new Error(`step ${index}: home-fetch: central's result for "${patient}" is not an OQS result tree at result.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    return {
      kind: 'home-qualification',
      patient,
      status,
      ...(typeof json.consentTime === 'string' ? { consentTime: json.consentTime } : {}),
      ...(typeof json.availableUntil === 'string' ? { availableUntil: json.availableUntil } : {}),
      result: result.data,
    };
  }
  const code = (json.error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') throw new Error(`step ${index}: home-fetch: central answered HTTP ${status} without an error code: ${JSON.stringify(json)}`);
  return { kind: 'home-qualification', patient, status, refusal: code };
}
