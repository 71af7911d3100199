import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { jstDate } from '../domain/clock.js';
import { BulkCheckDownloadResult, BulkUploadResult, decodeOqsMessageResult, encodeOqsMessageRequest, type OqsMessageKind } from '../protocol/oqs-messages.js';
import { NO_CONSENT } from '../protocol/consent.js';
import type { BackOfficeAnswer } from '../protocol/back-office.js';
import type { QualificationConfirmSearchInfo } from '../protocol/oqs-request.js';
import type { Scenario, Step } from '../scenarios/schema.js';
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

/** The persona's first qualification as 一括照会 search keys, ArbitraryIdentifier = persona key. */
export function searchInfoFor(scenario: Scenario, key: string, step: number): QualificationConfirmSearchInfo {
  const persona = scenario.personas[key];
  const q = persona?.qualifications[0];
  if (!persona || !q) throw new Error(`step ${step}: batch-check: persona "${key}" has no qualification to send; add one under personas.${key}.qualifications`);
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
  const answer = join(rig.folderRoot, 'res', `${kind}res_${suffix}.xml`);
  const deadline = Date.now() + FOLDER_ANSWER_TIMEOUT_MS;
  for (;;) {
    const bytes = await readFile(answer).catch(() => undefined);
    if (bytes) {
      await rm(answer, { force: true });
      const decoded = decodeOqsMessageResult(kind, bytes);
      if ('error' in decoded) throw new Error(`${kind}res_${suffix}.xml from the terminal does not decode: ${decoded.error.message}`);
      return decoded.result;
    }
    if (Date.now() > deadline) throw new Error(`no ${kind}res_${suffix}.xml in ${join(rig.folderRoot, 'res')} within ${FOLDER_ANSWER_TIMEOUT_MS} ms; is the terminal's folder gateway running?`);
    await new Promise((r) => setTimeout(r, 25));
  }
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
      MessageBody: { QualificationConfirmSearchInfo: patients.map((p) => searchInfoFor(scenario, p, index)) },
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

async function postCentral(rig: Rig, path: string, body: unknown, contentType = 'application/json'): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${rig.centralUrl}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

export async function requestMedicalInfo(rig: Rig, step: StepOf<'request-medical-info'>, index: number): Promise<void> {
  const { patient, kind } = step['request-medical-info'];
  const releasedBefore = rig.consents.releases().length;
  const { status, json } = await postCentral(rig, '/v1/medical-info', { medicalInstitutionCode: rig.medicalInstitutionCode, personId: patient, kind });
  if (status !== 200 && status !== 403) throw new Error(`step ${index}: request-medical-info: central answered HTTP ${status}: ${JSON.stringify(json)}`);
  // Read on central's side, not from the answer: "released" is what central recorded giving out.
  rig.backOffice.lastFetchReleased = rig.consents.releases().length > releasedBefore;
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
