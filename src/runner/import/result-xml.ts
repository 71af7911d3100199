import { createRng } from '../../domain/rng.js';
import { BLACK_CIRCLE, decodeOqsXml } from '../../protocol/oqs-xml.js';
import type { OqsResultDocument } from '../../protocol/oqs-request.js';
import { anonymizeBirthDate, anonymizeDigits, anonymizeText } from './anonymize.js';
import type { ImportedScenario } from './render.js';

/**
 * A result XML from the terminal's face/ or res/ folder → a scenario that makes the rig produce
 * the same kind of result: the persona (personal data replaced, see anonymize.ts), the backend
 * record (qualification: insurer, dates, ratio, limit category) and the faults that explain
 * what the file shows (● in the name, 資格無効 while insured).
 */

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

export interface ImportOptions {
  /** Seed of the generated personal data; the same seed gives the same scenario. */
  seed?: number;
  /** Scenario id; default `imported/<file name, lower-cased>`. */
  id?: string;
}

/** yyyyMMdd → YYYY-MM-DD; undefined for an empty or malformed field. */
function ymd(field: string | undefined): string | undefined {
  const m = field ? /^(\d{4})(\d{2})(\d{2})$/.exec(field.trim()) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** ProcessExecutionTime (yyyyMMddHHmmss, JST) → an ISO date-time with +09:00. */
function jstInstant(field: string | undefined): string | undefined {
  const m = field ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(field.trim()) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+09:00` : undefined;
}

/**
 * 保険者番号 → the kind the rig models: 6 digits 国民健康保険; 8 digits by 法別番号 (the first two):
 * 01 協会けんぽ, 06 健保組合, 31–34 共済組合, 39 後期高齢者医療.
 */
export function insurerKindOf(insurerNumber: string): 'kyokai' | 'kumiai' | 'kyosai' | 'kokuho' | 'koki' {
  const n = insurerNumber.trim();
  if (n.length === 6) return 'kokuho';
  const law = n.slice(0, 2);
  if (law === '01') return 'kyokai';
  if (law === '39') return 'koki';
  if (['31', '32', '33', '34'].includes(law)) return 'kyosai';
  return 'kumiai';
}

export function idFromFileName(file: string): string {
  const base = file.split(/[\\/]/).pop()!.replace(/\.[^.]*$/, '');
  const slug = base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario';
  return `imported/${/^[a-z0-9]/.test(slug) ? slug : `f-${slug}`}`;
}

const daysFrom = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** A 外字 the persona's name carries where the file shows ●, with a fault that turns it back into ●. */
const GAIJI_STAND_INS = ['𠮷', '𡈽', '𩸽', '𠀋'];

const CONSENT_FIELDS = {
  diagnosis: 'DiagnosisInfoConsFlg',
  pharmacy: 'PharmacistsInfoConsFlg',
  checkup: 'SpecificHealthCheckupsInfoConsFlg',
  operation: 'OperationInfoConsFlg',
} as const;

export function importResultXml(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ImportedScenario {
  const decoded = decodeOqsXml(bytes);
  if ('error' in decoded) {
    throw new ImportError(`${fileName}: not a readable OQS result XML (${decoded.error.where}: ${decoded.error.message}); import takes a result file from face/ or res/, or a pcscd --apdu log`);
  }
  const doc: OqsResultDocument = decoded.message;
  const { MessageHeader: header, MessageBody: body } = doc.XmlMsg;
  const rng = createRng(opts.seed ?? 1);
  const results = body.ResultList?.ResultOfQualificationConfirmation ?? [];
  const first = results[0];
  const at = jstInstant(header.ProcessExecutionTime) ?? `${ymd(header.QualificationConfirmationDate) ?? '2025-04-01'}T09:00:00+09:00`;
  const checkDate = at.slice(0, 10);
  const notes: string[] = [];
  const faults: Array<Record<string, unknown>> = [];
  const personaKey = 'patient';

  // ---- name: generated, same shape; ● becomes a 外字 plus the fault that shows it as ● ----
  const rawName = first?.Name ?? '';
  let name = anonymizeText(rawName || '架空　太郎', rng);
  if (rawName.includes(BLACK_CIRCLE)) {
    const standIn = GAIJI_STAND_INS.find((c) => !name.includes(c))!;
    name = name.split(BLACK_CIRCLE).join(standIn);
    faults.push({ kind: 'gaiji-in-name', chars: standIn, person: personaKey });
    notes.push(
      `● in the name: the persona's name has ${standIn} there and the gaiji-in-name fault stores it as ● (an insurer's 外字 never converted, T30/T33).`,
      decoded.encoding === 'cp932'
        ? `The file is Shift_JIS: the ● may also be the terminal replacing a character CP932 lacks; ${standIn} outside CP932 reproduces that without the fault.`
        : 'The file is UTF-8, so the ● was in the data itself, not made by the encoding.',
    );
  }
  const persona: Record<string, unknown> = {
    name,
    ...(first?.NameKana ? { nameKana: anonymizeText(first.NameKana, rng) } : {}),
    birthDate: anonymizeBirthDate(ymd(first?.Birthdate) ?? '1980-01-15', rng),
    sex: first?.Sex1 === '2' ? 2 : first?.Sex1 === '3' ? 3 : 1,
    card: { pin: '1234' },
  };

  // ---- the backend record ----
  const validity = body.QualificationValidity;
  const qualifications = results.map((r) => {
    const insurerNumber = r.InsurerNumber.trim();
    const q: Record<string, unknown> = {
      insurerNumber,
      insurerName: r.InsurerName,
      insurerKind: insurerKindOf(insurerNumber),
      ...(r.InsuredCardSymbol ? { symbol: anonymizeDigits(anonymizeText(r.InsuredCardSymbol, rng), rng) } : {}),
      number: anonymizeDigits(r.InsuredIdentificationNumber, rng),
      ...(r.InsuredBranchNumber && /^\d{2}$/.test(r.InsuredBranchNumber) ? { branch: r.InsuredBranchNumber } : {}),
      relation: r.PersonalFamilyClassification === '2' ? 'dependent' : 'insured',
      ...(r.InsuredName ? { insuredName: anonymizeText(r.InsuredName, rng) } : {}),
      cardClassification: r.InsuredCardClassification,
      acquiredOn: ymd(r.QualificationDate) ?? checkDate,
    };
    const lost = ymd(r.DisqualificationDate);
    if (lost) q.lostOn = lost;
    const ratio = Number(r.ElderlyRecipientCertificateInfo?.ElderlyRecipientContributionRatio ?? r.InsuredPartialContributionRatio ?? NaN);
    if ([10, 20, 30].includes(ratio)) q.copayRatio = ratio;
    const limit = r.LimitApplicationCertificateRelatedInfo?.LimitApplicationCertificateClassificationFlag;
    if (limit && /^[AB]\d{2}$/.test(limit)) q.limitCategory = limit;
    return q;
  });

  if (validity === '2' || validity === '3' || validity === '4') {
    const lostOne = qualifications.find((q) => q.lostOn !== undefined);
    if (lostOne) {
      notes.push(`資格${validity === '4' ? '該当なし' : '無効'} with a 資格喪失日 (${String(lostOne.lostOn)}): reproduced by the lost qualification itself (qualification-lost, T01).`);
    } else {
      // Insured but not (yet) known to OQS: the insurer's registration lag (T01–T04).
      const acquiredOn = (qualifications[0]?.acquiredOn as string | undefined) ?? checkDate;
      const lagDays = Math.max(1, daysFrom(acquiredOn, checkDate) + 5);
      if (qualifications.length === 0) {
        qualifications.push({ insurerNumber: '06139929', insurerName: '架空健康保険組合', insurerKind: 'kumiai', number: anonymizeDigits('1234', rng), relation: 'insured', cardClassification: '01', acquiredOn: checkDate });
        notes.push('The file has no qualification: the persona gets a made-up one acquired on the check date.');
      }
      faults.push({ kind: 'registration-lag', days: lagDays, person: personaKey });
      notes.push(
        `資格${validity === '4' ? '該当なし' : '無効'} without a 資格喪失日: reproduced as registration-lag (the insurer registers ${lagDays} days after 資格取得). If the patient had really lost the qualification, set lostOn instead and drop the fault.`,
      );
    }
  }
  persona.qualifications = qualifications;

  // ---- steps: a card check (ReferenceClassification 1) with the consents the file records ----
  const consents = Object.fromEntries(Object.entries(CONSENT_FIELDS).map(([k, f]) => [k, first?.[f] === '1'])) as Record<keyof typeof CONSENT_FIELDS, boolean>;
  const all = Object.values(consents);
  const consent = all.every(Boolean) ? 'agree-all' : all.some(Boolean) ? consents : 'decline-all';
  const byCard = header.ReferenceClassification !== '2';
  if (!byCard) notes.push('ReferenceClassification 2 (a check by insurance-card data, res/): the scenario still checks by card; the qualification data is what matters.');
  const steps = [{ 'place-card': personaKey }, { choose: 'pin' }, { 'enter-pin': '1234' }, { consent }, { 'remove-card': null }];

  const file = fileName.split(/[\\/]/).pop()!;
  return {
    header: [
      `Imported by \`myna-rig import\` from ${file} (${decoded.encoding === 'cp932' ? 'Shift_JIS' : 'UTF-8'}, CharacterCodeIdentifier ${header.CharacterCodeIdentifier}).`,
      'Personal data was replaced by generated values of the same length and character classes (● and 外字 kept);',
      'birth year and month kept (age rules), insurer kept, insured numbers re-drawn.',
      ...notes,
      'The file does not say PIN or face: change `choose: pin` to `choose: face` and `present-face: match` if needed.',
    ],
    scenario: {
      id: opts.id ?? idFromFileName(file),
      title: `TODO: what goes wrong (imported from ${file})`,
      tags: ['imported'],
      source: { imported: file, kind: 'result-xml' },
      at,
      ...(faults.length > 0 ? { faults } : {}),
      personas: { [personaKey]: persona },
      steps,
    },
    expectTodo: [
      'TODO: write what the reception must do, from the rules (cite them in `source`), not what the field system did.',
      `The file showed: ${[
        `SegmentOfResult ${header.SegmentOfResult}`,
        `ProcessingResultStatus ${body.ProcessingResultStatus}`,
        validity ? `QualificationValidity ${validity}` : '',
        first?.Name ? `Name ${first.Name.includes(BLACK_CIRCLE) ? 'with ●' : 'without ●'}` : '',
        first?.InsuredPartialContributionRatio ? `InsuredPartialContributionRatio ${first.InsuredPartialContributionRatio}` : '',
        header.ErrorCode ? `ErrorCode ${header.ErrorCode}` : '',
      ]
        .filter(Boolean)
        .join(', ')}.`,
      'outcome:',
      '  status: accepted            # or fallback / pending',
      '  copayRatio: 30',
      ...(rawName.includes(BLACK_CIRCLE) ? ['  displayedName: ●…        # the ● kept, not rejected'] : []),
      ...(validity && validity !== '1' ? ['  copayRatio: { not: 100 }  # never 10割 for an insured patient', '  fallbackOptions: { includes: [eligibility-declaration] }'] : []),
    ],
  };
}
