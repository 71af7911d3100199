import { describe, expect, it } from 'vitest';
import { isoDate, type Person } from '../../domain/index.js';
import { NO_CONSENT } from '../../protocol/consent.js';
import { decodeOqsXml, encodeOqsResultXml } from '../../protocol/oqs-xml.js';
import { addDataset, parseDataset } from './dataset.js';
import { buildQualificationResult, type QualificationRecord } from './qualification-result.js';
import { EligibilityStore } from './store.js';

const FACILITY = '1310000000';
const person: Person = { id: 'seiho', name: '架空　三郎', birthDate: isoDate('1960-05-05'), sex: 1 };
const medicalAid: QualificationRecord = {
  insurerNumber: '12130015',
  insurerName: '架空市福祉事務所',
  insurerKind: 'kokuho',
  number: '1234567',
  relation: 'insured',
  cardClassification: 'A1',
  acquiredOn: isoDate('2024-03-01'),
  incomeClass: 'low',
  publicExpense: {
    number: '12130015',
    beneficiaryNumber: '1234567',
    welfareOfficeName: '架空市福祉事務所',
    tickets: [
      { ticketType: '01', month: '2025-03', validFrom: isoDate('2025-03-01'), validTo: isoDate('2025-03-31'), treatmentType: '02', singleOrCombined: '01' },
      {
        ticketType: '01',
        month: '2025-04',
        validFrom: isoDate('2025-04-01'),
        validTo: isoDate('2025-04-30'),
        issueNumber: '0042',
        designatedInstitutionCode: FACILITY,
        designatedInstitutionName: '架空内科',
        treatmentType: '02',
        selfPayAmount: 0,
        singleOrCombined: '01',
        injuryNames: ['架空性胃炎'],
      },
    ],
  },
};

const build = (facility: string) =>
  buildQualificationResult({ person, qualifications: [medicalAid], date: isoDate('2025-04-10'), now: Date.parse('2025-04-10T09:00:00+09:00'), consent: NO_CONSENT, certificateStatus: 'valid', medicalInstitutionCode: facility });

describe('公費 (医療扶助) in the result', () => {
  it('carries PublicExpenseNumber, BeneficiaryNumber, WelfareOfficeName and the month\'s 医療券 only', () => {
    const r = build(FACILITY).XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!;
    expect(r.InsuredCardClassification).toBe('A1');
    expect([r.PublicExpenseNumber, r.BeneficiaryNumber, r.WelfareOfficeName]).toEqual(['12130015', '1234567', '架空市福祉事務所']);
    expect(r.PublicExpenseResultList!.MedicalTicketInfo).toEqual([
      {
        TicketType: '01',
        MedicalTicketValidDate: '20250401',
        MedicalTicketExpirationDate: '20250430',
        IssueNumber: '0042',
        MedicalTreatmentMonth: '202504',
        DesignatedMedicalInstitutionCode: FACILITY,
        DesignatedMedicalInstitutionFlag: '0',
        DesignatedMedicalInstitutionName: '架空内科',
        InjuryName1: '架空性胃炎',
        MedicalTreatmentType: '02',
        SelfPayAmount: '0',
        SingleOrCombinedUse: '01',
      },
    ]);
  });

  it('flags a ticket for another 指定医療機関 as 1 不一致 (OQSCD026)', () => {
    const r = build('1320000000').XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!;
    expect(r.PublicExpenseResultList!.MedicalTicketInfo[0]!.DesignatedMedicalInstitutionFlag).toBe('1');
  });

  it('writes PublicExpenseResultList/MedicalTicketInfo in the XML and reads it back', () => {
    const bytes = encodeOqsResultXml(build(FACILITY), { encoding: 'cp932' });
    const decoded = decodeOqsXml(bytes);
    if ('error' in decoded) throw new Error(decoded.error.message);
    const text = decoded.message.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!;
    expect(text.PublicExpenseResultList!.MedicalTicketInfo[0]!.MedicalTreatmentMonth).toBe('202504');
    expect(bytes.toString('latin1')).toMatch(/<PublicExpenseResultList>\s*<MedicalTicketInfo>\s*<TicketType>01<\/TicketType>/);
  });

  it('loads 医療扶助 from a dataset (cardClassification A1, publicExpense) and refuses a bad 受給者番号 naming the path', () => {
    const yaml = `persons:
  - id: seiho
    name: 架空　三郎
    birthDate: 1960-05-05
    sex: 1
    qualifications:
      - insurerNumber: "12130015"
        insurerName: 架空市福祉事務所
        insurerKind: kokuho
        number: "1234567"
        relation: insured
        cardClassification: A1
        acquiredOn: 2024-03-01
        publicExpense:
          number: "12130015"
          beneficiaryNumber: "1234567"
          tickets:
            - { ticketType: "01", month: 2025-04, validFrom: 2025-04-01, validTo: 2025-04-30, treatmentType: "02" }
`;
    const store = new EligibilityStore();
    addDataset(store, parseDataset(yaml, 'aid.yaml'));
    expect(store.get('seiho')!.qualifications[0]!.publicExpense!.tickets![0]!.singleOrCombined).toBe('01');
    expect(() => parseDataset(yaml.replace('beneficiaryNumber: "1234567"', 'beneficiaryNumber: "12"'), 'aid.yaml')).toThrow(
      'aid.yaml: persons.0.qualifications.0.publicExpense.beneficiaryNumber: must be 7 digits (受給者番号)',
    );
  });
});
