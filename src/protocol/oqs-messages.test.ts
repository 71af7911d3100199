import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  decodeOqsMessageRequest,
  decodeOqsMessageResult,
  encodeOqsMessageRequest,
  encodeOqsMessageResult,
  type BulkCheckDownloadResult,
  type BulkCheckUploadRequest,
} from './oqs-messages.js';

// Element names from oqs-interface.md §2.5 (ST-bulk QCBIXmlMsgRequest), written out literally.
const UPLOAD_XML = `<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>
<XmlMsg>
  <MessageHeader>
    <QualificationConfirmationDate>20250402</QualificationConfirmationDate>
    <MedicalInstitutionCode>1310000000</MedicalInstitutionCode>
    <ArbitraryFileIdentifier>yoyaku-0402</ArbitraryFileIdentifier>
  </MessageHeader>
  <MessageBody>
    <QualificationConfirmSearchInfo>
      <InsurerNumber>  138057</InsurerNumber>
      <InsuredCardSymbol>架空</InsuredCardSymbol>
      <InsuredIdentificationNumber>0456</InsuredIdentificationNumber>
      <InsuredBranchNumber>00</InsuredBranchNumber>
      <Birthdate>19800115</Birthdate>
      <LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg>
      <ArbitraryIdentifier>P0001</ArbitraryIdentifier>
    </QualificationConfirmSearchInfo>
    <QualificationConfirmSearchInfo>
      <InsurerNumber>39131015</InsurerNumber>
      <InsuredIdentificationNumber>00012345</InsuredIdentificationNumber>
      <Birthdate>19450303</Birthdate>
      <LimitApplicationCertificateRelatedConsFlg>0</LimitApplicationCertificateRelatedConsFlg>
      <ArbitraryIdentifier>P0002</ArbitraryIdentifier>
    </QualificationConfirmSearchInfo>
  </MessageBody>
</XmlMsg>
`;

describe('OQSmuquc01req (一括照会 upload)', () => {
  it('reads a Shift_JIS upload with repeated QualificationConfirmSearchInfo into an array', () => {
    const decoded = decodeOqsMessageRequest('OQSmuquc01', iconv.encode(UPLOAD_XML, 'cp932'));
    if ('error' in decoded) throw new Error(decoded.error.message);
    expect(decoded.encoding).toBe('cp932');
    const request = decoded.request as BulkCheckUploadRequest;
    expect(request.XmlMsg.MessageHeader.ArbitraryFileIdentifier).toBe('yoyaku-0402');
    expect(request.XmlMsg.MessageBody.QualificationConfirmSearchInfo.map((s) => s.ArbitraryIdentifier)).toEqual(['P0001', 'P0002']);
    expect(request.XmlMsg.MessageBody.QualificationConfirmSearchInfo[0]!.InsurerNumber).toBe('  138057');
    expect(request.XmlMsg.MessageBody.QualificationConfirmSearchInfo[0]!.InsuredCardSymbol).toBe('架空');
  });

  it('writes the upload back with the same element names and reads it again unchanged', () => {
    const first = decodeOqsMessageRequest('OQSmuquc01', Buffer.from(UPLOAD_XML.replace('Shift_JIS', 'UTF-8'), 'utf8'));
    if ('error' in first) throw new Error(first.error.message);
    const bytes = encodeOqsMessageRequest('OQSmuquc01', first.request, { encoding: 'utf8' });
    expect(bytes.toString('utf8')).toContain('<ArbitraryIdentifier>P0002</ArbitraryIdentifier>');
    const again = decodeOqsMessageRequest('OQSmuquc01', bytes);
    expect('request' in again && again.request).toEqual(first.request);
  });

  it('refuses an upload without patients, and an element the upload does not define', () => {
    const empty = decodeOqsMessageRequest('OQSmuquc01', Buffer.from(UPLOAD_XML.replace(/<QualificationConfirmSearchInfo>[\s\S]*<\/QualificationConfirmSearchInfo>/, '').replace('Shift_JIS', 'UTF-8')));
    expect('error' in empty && empty.error.code).toBe('invalid-value');
    expect('error' in empty && empty.error.where).toBe('XmlMsg/MessageBody/QualificationConfirmSearchInfo');
    const unknown = decodeOqsMessageRequest('OQSmuquc01', Buffer.from(UPLOAD_XML.replace('<MessageBody>', '<MessageBody><ReceptionNumber>1</ReceptionNumber>').replace('Shift_JIS', 'UTF-8')));
    expect('error' in unknown && unknown.error.code).toBe('unknown-element');
    expect('error' in unknown && unknown.error.where).toBe('XmlMsg/MessageBody/ReceptionNumber');
  });
});

describe('OQSmuquc02res (一括照会 download)', () => {
  const done: BulkCheckDownloadResult = {
    XmlMsg: {
      MessageHeader: {
        ProcessExecutionTime: '20250401180000',
        CharacterCodeIdentifier: '0',
        SegmentOfResult: '1',
        ReceptionNumber: '20250401000001',
        NumberOfProcessingResult: '1',
        NumberOfNormalProcessing: '1',
        NumberOfError: '0',
        MedicalInstitutionCode: '1310000000',
      },
      MessageBody: {
        BulkConfirmUnit: [
          {
            QualificationConfirmSearchInfo: { InsurerNumber: '39131015', InsuredIdentificationNumber: '00012345', Birthdate: '19450303', LimitApplicationCertificateRelatedConsFlg: '0', ArbitraryIdentifier: 'P0002' },
            ProcessingResultStatus: '1',
            QualificationValidity: '1',
            ResultOfQualificationConfirmation: {
              InsuredCardClassification: '01',
              InsurerNumber: '39131015',
              InsuredIdentificationNumber: '00012345',
              PersonalFamilyClassification: '1',
              Name: '架空　花子',
              Sex1: '2',
              Birthdate: '19450303',
              InsurerName: '架空県後期高齢者医療広域連合',
              InsuredPartialContributionRatio: '010',
            },
            ReferenceNumber: 'K-0002',
          },
        ],
      },
    },
  };

  it('writes the header counters and one BulkConfirmUnit per patient, CP932 with CharacterCodeIdentifier 1', () => {
    const { bytes } = encodeOqsMessageResult('OQSmuquc02', done, { encoding: 'cp932' });
    const text = iconv.decode(bytes, 'cp932');
    expect(text.startsWith('<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>')).toBe(true);
    expect(text).toContain('<CharacterCodeIdentifier>1</CharacterCodeIdentifier>');
    expect(text).toContain('<ReceptionNumber>20250401000001</ReceptionNumber>');
    expect(text).toContain('<NumberOfProcessingResult>1</NumberOfProcessingResult>');
    expect(text).toMatch(/<BulkConfirmUnit>\s*<QualificationConfirmSearchInfo>/);
    expect(text).toContain('<InsuredPartialContributionRatio>010</InsuredPartialContributionRatio>');
    expect(text).toMatch(/<\/ResultOfQualificationConfirmation>\s*<ReferenceNumber>K-0002<\/ReferenceNumber>\s*<\/BulkConfirmUnit>/);
  });

  it('reads its own file back (lenient: unknown elements skipped)', () => {
    const { bytes } = encodeOqsMessageResult('OQSmuquc02', done, { encoding: 'utf8' });
    const withExtra = Buffer.from(bytes.toString('utf8').replace('<MessageBody>', '<MessageBody><SomethingNew>x</SomethingNew>'), 'utf8');
    const decoded = decodeOqsMessageResult('OQSmuquc02', withExtra);
    if ('error' in decoded) throw new Error(decoded.error.message);
    expect(decoded.result).toEqual(done);
  });

  it('writes 処理中 as SegmentOfResult 2 with an empty body', () => {
    const processing: BulkCheckDownloadResult = {
      XmlMsg: { MessageHeader: { ...done.XmlMsg.MessageHeader, SegmentOfResult: '2', NumberOfProcessingResult: undefined, NumberOfNormalProcessing: undefined, NumberOfError: undefined }, MessageBody: { BulkConfirmUnit: [] } },
    };
    const text = encodeOqsMessageResult('OQSmuquc02', processing, { encoding: 'utf8' }).bytes.toString('utf8');
    expect(text).toContain('<SegmentOfResult>2</SegmentOfResult>');
    expect(text).not.toContain('BulkConfirmUnit');
    expect(text).not.toContain('NumberOfProcessingResult');
  });
});

describe('照会番号 and 薬剤/特定健診 requests', () => {
  it('reads OQSsiimm01req with ReferenceNumberRegistrationInfo (§2.6)', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8" standalone="no"?><XmlMsg><MessageHeader><MedicalInstitutionCode>1310000000</MedicalInstitutionCode><ArbitraryFileIdentifier>r1</ArbitraryFileIdentifier></MessageHeader><MessageBody><ReferenceNumberRegistrationInfo><ReferenceNumber>K-0001</ReferenceNumber><InsurerNumber>  138057</InsurerNumber><InsuredIdentificationNumber>0456</InsuredIdentificationNumber><InsuredBranchNumber>00</InsuredBranchNumber></ReferenceNumberRegistrationInfo></MessageBody></XmlMsg>`;
    const decoded = decodeOqsMessageRequest('OQSsiimm01', Buffer.from(xml));
    if ('error' in decoded) throw new Error(decoded.error.message);
    expect(decoded.request).toEqual({
      XmlMsg: {
        MessageHeader: { MedicalInstitutionCode: '1310000000', ArbitraryFileIdentifier: 'r1' },
        MessageBody: { ReferenceNumberRegistrationInfo: { ReferenceNumber: 'K-0001', InsurerNumber: '  138057', InsuredIdentificationNumber: '0456', InsuredBranchNumber: '00' } },
      },
    });
  });

  it('reads YZKsiquc01req with its own header names (InsuranceCardSymbol, InsuredPersonIdentificationNumber, BranchNumber; §2.8)', () => {
    const xml = `<?xml version="1.0" encoding="Shift_JIS" standalone="no"?><XmlMsg><MessageHeader><MedicalInstitutionCode>1310000000</MedicalInstitutionCode><InsurerNumber>  138057</InsurerNumber><InsuranceCardSymbol>架空</InsuranceCardSymbol><InsuredPersonIdentificationNumber>0456</InsuredPersonIdentificationNumber><BranchNumber>00</BranchNumber><ArbitraryFileIdentifier>d1</ArbitraryFileIdentifier></MessageHeader><MessageBody><StartDate>20240401</StartDate><EndDate>20250331</EndDate><FileCategory>2</FileCategory><PrDiInfClassification>1</PrDiInfClassification><MedicalTreatmentFlag>1</MedicalTreatmentFlag></MessageBody></XmlMsg>`;
    const decoded = decodeOqsMessageRequest('YZKsiquc01', iconv.encode(xml, 'cp932'));
    if ('error' in decoded) throw new Error(decoded.error.message);
    expect(decoded.request).toEqual({
      XmlMsg: {
        MessageHeader: { MedicalInstitutionCode: '1310000000', InsurerNumber: '  138057', InsuranceCardSymbol: '架空', InsuredPersonIdentificationNumber: '0456', BranchNumber: '00', ArbitraryFileIdentifier: 'd1' },
        MessageBody: { StartDate: '20240401', EndDate: '20250331', FileCategory: '2', PrDiInfClassification: '1', MedicalTreatmentFlag: '1' },
      },
    });
    const wrong = decodeOqsMessageRequest('YZKsiquc01', iconv.encode(xml.replace('<FileCategory>2', '<FileCategory>7'), 'cp932'));
    expect('error' in wrong && wrong.error.where).toBe('XmlMsg/MessageBody/FileCategory');
  });
});
