import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OqsQualificationRequest, OqsResultDocument } from './oqs-request.js';
import { resultFileNameFor } from './oqs-request.js';
import {
  decodeOqsRequestXml,
  decodeOqsXml,
  encodeOqsRequestXml,
  encodeOqsResultXml,
  encodeOqsResultXmlWithReport,
  isCp932Encodable,
  OQS_XML_ERROR_CODES,
} from './oqs-xml.js';

/** A face result in the shape of oqs-interface.md §2.12 (values invented). */
function faceResult(name = '架空　花子'): OqsResultDocument {
  return {
    XmlMsg: {
      MessageHeader: {
        ProcessExecutionTime: '20250401093012',
        CharacterCodeIdentifier: '0',
        SegmentOfResult: '1',
        QualificationConfirmationDate: '20250401',
        ReferenceClassification: '1',
        ArbitraryFileIdentifier: 'Xk3mQp0aNjMCAbc=',
        MedicalInstitutionCode: '1310000000',
      },
      MessageBody: {
        ResultList: {
          ResultOfQualificationConfirmation: [
            {
              InsuredCardClassification: '01',
              InsurerNumber: '  138000',
              InsuredCardSymbol: '12-3',
              InsuredIdentificationNumber: '0456',
              InsuredBranchNumber: '00',
              PersonalFamilyClassification: '1',
              Name: name,
              NameKana: 'ｶｸｳ ﾊﾅｺ',
              Sex1: '2',
              Birthdate: '19800115',
              InsurerName: '架空市',
              PharmacistsInfoConsFlg: '1',
              PharmacistsInfoConsTime: '20250401093000',
              PharmacistsInfoAvailableTime: '20250402093000',
            },
          ],
        },
        ProcessingResultStatus: '1',
        QualificationValidity: '1',
      },
    },
  };
}

/** The same file written out by hand, in the element order of a real face file (§2.3). */
const FACE_UTF8 = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<XmlMsg>
    <MessageHeader>
        <ProcessExecutionTime>20250401093012</ProcessExecutionTime>
        <CharacterCodeIdentifier>0</CharacterCodeIdentifier>
        <SegmentOfResult>1</SegmentOfResult>
        <QualificationConfirmationDate>20250401</QualificationConfirmationDate>
        <ReferenceClassification>1</ReferenceClassification>
        <ArbitraryFileIdentifier>Xk3mQp0aNjMCAbc=</ArbitraryFileIdentifier>
        <MedicalInstitutionCode>1310000000</MedicalInstitutionCode>
    </MessageHeader>
    <MessageBody>
        <ResultList>
            <ResultOfQualificationConfirmation>
                <PersonalFamilyClassification>1</PersonalFamilyClassification>
                <Sex1>2</Sex1>
                <Name>架空　花子</Name>
                <InsurerNumber>  138000</InsurerNumber>
                <InsuredCardSymbol>12-3</InsuredCardSymbol>
                <NameKana>ｶｸｳ ﾊﾅｺ</NameKana>
                <InsuredCardClassification>01</InsuredCardClassification>
                <InsuredBranchNumber>00</InsuredBranchNumber>
                <Birthdate>19800115</Birthdate>
                <InsuredIdentificationNumber>0456</InsuredIdentificationNumber>
                <PharmacistsInfoAvailableTime>20250402093000</PharmacistsInfoAvailableTime>
                <PharmacistsInfoConsTime>20250401093000</PharmacistsInfoConsTime>
                <PharmacistsInfoConsFlg>1</PharmacistsInfoConsFlg>
                <InsurerName>架空市</InsurerName>
            </ResultOfQualificationConfirmation>
        </ResultList>
        <ProcessingResultStatus>1</ProcessingResultStatus>
        <QualificationValidity>1</QualificationValidity>
    </MessageBody>
</XmlMsg>
`;

const request: OqsQualificationRequest = {
  XmlMsg: {
    MessageHeader: { QualificationConfirmationDate: '20250401', MedicalInstitutionCode: '1310000000', ArbitraryFileIdentifier: 'req-0001' },
    MessageBody: {
      QualificationConfirmSearchInfo: {
        InsurerNumber: '  138057',
        InsuredCardSymbol: '12-3',
        InsuredIdentificationNumber: '0456',
        InsuredBranchNumber: '01',
        Birthdate: '19800115',
        LimitApplicationCertificateRelatedConsFlg: '1',
      },
    },
  },
};

const REQUEST_UTF8 = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<XmlMsg>
    <MessageHeader>
        <QualificationConfirmationDate>20250401</QualificationConfirmationDate>
        <MedicalInstitutionCode>1310000000</MedicalInstitutionCode>
        <ArbitraryFileIdentifier>req-0001</ArbitraryFileIdentifier>
    </MessageHeader>
    <MessageBody>
        <QualificationConfirmSearchInfo>
            <InsurerNumber>  138057</InsurerNumber>
            <InsuredCardSymbol>12-3</InsuredCardSymbol>
            <InsuredIdentificationNumber>0456</InsuredIdentificationNumber>
            <InsuredBranchNumber>01</InsuredBranchNumber>
            <Birthdate>19800115</Birthdate>
            <LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg>
        </QualificationConfirmSearchInfo>
    </MessageBody>
</XmlMsg>
`;

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The bytes of <Name>…</Name> in an encoded file. */
function nameBytes(file: Buffer): string {
  const open = file.indexOf('<Name>') + '<Name>'.length;
  return hex(file.subarray(open, file.indexOf('</Name>')));
}

describe('encodeOqsResultXml: UTF-8', () => {
  it('writes the declaration, CharacterCodeIdentifier 0 and the face-file element order', () => {
    expect(encodeOqsResultXml(faceResult(), { encoding: 'utf8' }).toString('utf8')).toBe(FACE_UTF8);
  });

  it('sets CharacterCodeIdentifier from the encoding, whatever the tree said', () => {
    const msg = faceResult();
    msg.XmlMsg.MessageHeader.CharacterCodeIdentifier = '1';
    expect(encodeOqsResultXml(msg, { encoding: 'utf8' }).toString('utf8')).toContain('<CharacterCodeIdentifier>0</CharacterCodeIdentifier>');
  });

  it('schema order puts InsuredCardClassification first in the result', () => {
    const text = encodeOqsResultXml(faceResult(), { encoding: 'utf8', order: 'schema' }).toString('utf8');
    expect(text).toMatch(/<ResultOfQualificationConfirmation>\n\s+<InsuredCardClassification>01</);
  });

  it('escapes markup characters in values', () => {
    const text = encodeOqsResultXml(faceResult('A&B<C>'), { encoding: 'utf8' }).toString('utf8');
    expect(text).toContain('<Name>A&amp;B&lt;C&gt;</Name>');
  });

  it('carries 𠮷 (outside CP932) as its 4 UTF-8 bytes', () => {
    expect(nameBytes(encodeOqsResultXml(faceResult('𠮷田　一郎'), { encoding: 'utf8' }))).toBe('f0a0aeb7' + 'e794b0' + 'e38080' + 'e4b880' + 'e9838e');
  });

  it('refuses an element the interface does not have', () => {
    const msg = faceResult() as unknown as { XmlMsg: { MessageHeader: Record<string, string> } };
    msg.XmlMsg.MessageHeader.Bogus = 'x';
    expect(() => encodeOqsResultXml(msg as unknown as OqsResultDocument, { encoding: 'utf8' })).toThrow(/MessageHeader\/Bogus is not an element/);
  });
});

describe('encodeOqsResultXml: Shift_JIS (CP932) and ● (oqs-interface.md §5)', () => {
  it('declares Shift_JIS and CharacterCodeIdentifier 1', () => {
    const file = encodeOqsResultXml(faceResult(), { encoding: 'cp932' });
    expect(file.subarray(0, 58).toString('latin1')).toBe('<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>');
    expect(file.toString('latin1')).toContain('<CharacterCodeIdentifier>1</CharacterCodeIdentifier>');
  });

  it('which of 髙, 﨑, 𠮷 CP932 has: 髙 and 﨑 yes, 𠮷 no', () => {
    expect([isCp932Encodable('髙'), isCp932Encodable('﨑'), isCp932Encodable('𠮷'), isCp932Encodable('●')]).toEqual([true, true, false, true]);
  });

  it('writes 髙 as FB FC and 﨑 as FA B1 (the IBM-extension codes Windows encodes to)', () => {
    // §5 gives the NEC-selected codes EEE0 / ED95; both rows decode to the same character, and
    // encoders (Windows, iconv-lite) choose the IBM row.
    expect(nameBytes(encodeOqsResultXml(faceResult('髙﨑'), { encoding: 'cp932' }))).toBe('fbfc' + 'fab1');
  });

  it('reads the §5 bytes EE E0 as 髙 and ED 95 as 﨑 in a Shift_JIS file', () => {
    const template = encodeOqsResultXml(faceResult('XX'), { encoding: 'cp932' });
    const at = template.indexOf('<Name>XX</Name>') + '<Name>'.length;
    const file = Buffer.concat([template.subarray(0, at), Buffer.from([0xee, 0xe0, 0xed, 0x95]), template.subarray(at + 2)]);
    const decoded = decodeOqsXml(file);
    expect('message' in decoded && decoded.message.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.Name).toBe('髙﨑');
  });

  it('writes 𠮷 as ● (81 9C) and reports it with its place', () => {
    const { bytes, replaced } = encodeOqsResultXmlWithReport(faceResult('𠮷田　一郎'), { encoding: 'cp932' });
    expect(nameBytes(bytes)).toBe('819c' + '9363' + '8140' + '88ea' + '9859');
    expect(replaced).toEqual([
      { char: '𠮷', codePoint: 'U+20BB7', where: 'XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[0]/Name' },
    ]);
  });

  it('writes a ● that is already in the data as 81 9C without reporting it', () => {
    const { bytes, replaced } = encodeOqsResultXmlWithReport(faceResult('●田　一郎'), { encoding: 'cp932' });
    expect(nameBytes(bytes).slice(0, 4)).toBe('819c');
    expect(replaced).toEqual([]);
  });

  it('writes the wave dash U+301C, which CP932 lacks (its 81 60 is U+FF5E), as ●', () => {
    const { replaced } = encodeOqsResultXmlWithReport(faceResult('a〜b'), { encoding: 'cp932' });
    expect(replaced.map((r) => r.codePoint)).toEqual(['U+301C']);
  });
});

describe('decodeOqsXml', () => {
  it('round-trips a result through UTF-8 and through CP932, leading zeros and spaces kept', () => {
    for (const encoding of ['utf8', 'cp932'] as const) {
      const decoded = decodeOqsXml(encodeOqsResultXml(faceResult(), { encoding }));
      const expected = faceResult();
      expected.XmlMsg.MessageHeader.CharacterCodeIdentifier = encoding === 'utf8' ? '0' : '1';
      expect(decoded).toEqual({ message: expected, encoding });
    }
  });

  it('reads a file in any element order, skips elements the rig does not model, and makes one result an array', () => {
    const real = FACE_UTF8.replace(
      '<Sex1>2</Sex1>',
      '<Sex1>2</Sex1>\n<SpecificDiseasesCertificateRelatedConsFlg>0</SpecificDiseasesCertificateRelatedConsFlg>',
    );
    const decoded = decodeOqsXml(utf8(real));
    if (!('message' in decoded)) throw new Error(JSON.stringify(decoded.error));
    const results = decoded.message.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation;
    expect(results).toHaveLength(1);
    expect(results[0]!.InsurerNumber).toBe('  138000');
    expect(results[0]!.InsuredIdentificationNumber).toBe('0456');
    expect(Object.keys(results[0]!)).not.toContain('SpecificDiseasesCertificateRelatedConsFlg');
  });

  it('reads two ResultOfQualificationConfirmation (複数該当) as an array of two', () => {
    const msg = faceResult();
    const r = msg.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!;
    msg.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation.push({ ...r, InsurerNumber: '06139999' });
    msg.XmlMsg.MessageBody.QualificationValidity = '5';
    const decoded = decodeOqsXml(encodeOqsResultXml(msg, { encoding: 'utf8' }));
    expect('message' in decoded && decoded.message.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation.map((x) => x.InsurerNumber)).toEqual([
      '  138000',
      '06139999',
    ]);
  });

  it('decodes numeric character references', () => {
    const decoded = decodeOqsXml(utf8(FACE_UTF8.replace('<Name>架空　花子</Name>', '<Name>&#x9AD9;&#30000;</Name>')));
    expect('message' in decoded && decoded.message.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.Name).toBe('髙田');
  });

  it('names a missing required header element', () => {
    const decoded = decodeOqsXml(utf8(FACE_UTF8.replace(/<MedicalInstitutionCode>.*<\/MedicalInstitutionCode>/, '')));
    expect(decoded).toEqual({
      error: { code: 'missing-element', message: '<MedicalInstitutionCode> is required here and missing', where: 'XmlMsg/MessageHeader/MedicalInstitutionCode' },
    });
  });
});

describe('check requests OQSsiquc01req (oqs-interface.md §2.2)', () => {
  it('encodes a request in the order of the request template', () => {
    expect(encodeOqsRequestXml(request, { encoding: 'utf8' }).toString('utf8')).toBe(REQUEST_UTF8);
  });

  it('round-trips UTF-8 and Shift_JIS requests', () => {
    expect(decodeOqsRequestXml(encodeOqsRequestXml(request, { encoding: 'utf8' }))).toEqual({ request, encoding: 'utf8' });
    expect(decodeOqsRequestXml(encodeOqsRequestXml(request, { encoding: 'cp932' }))).toEqual({ request, encoding: 'cp932' });
  });

  it('accepts the single-quoted declaration of a hand-written template and no declaration at all', () => {
    const single = REQUEST_UTF8.replace('<?xml version="1.0" encoding="UTF-8" standalone="no"?>', "<?xml version='1.0' encoding='UTF-8' standalone='no'?>");
    expect('request' in decodeOqsRequestXml(utf8(single))).toBe(true);
    expect('request' in decodeOqsRequestXml(utf8(REQUEST_UTF8.split('\n').slice(1).join('\n')))).toBe(true);
  });

  const errorOf = (bytes: Uint8Array) => {
    const r = decodeOqsRequestXml(bytes);
    if ('request' in r) throw new Error('expected an error');
    return r.error;
  };

  it('empty, too large, UTF-16', () => {
    expect(errorOf(new Uint8Array(0)).code).toBe('empty');
    expect(errorOf(Buffer.alloc(1024 * 1024 + 1, 0x20))).toMatchObject({ code: 'too-large', where: 'file' });
    expect(errorOf(Buffer.from([0xff, 0xfe, 0x3c, 0x00]))).toMatchObject({ code: 'unsupported-encoding', where: 'byte 0' });
  });

  it('an encoding other than UTF-8 and Shift_JIS', () => {
    expect(errorOf(utf8(REQUEST_UTF8.replace('UTF-8', 'EUC-JP')))).toMatchObject({ code: 'unsupported-encoding', where: 'XML declaration' });
  });

  it('Shift_JIS bytes under a UTF-8 declaration, with the byte offset', () => {
    const sjis = encodeOqsRequestXml({ ...request, XmlMsg: { ...request.XmlMsg, MessageHeader: { ...request.XmlMsg.MessageHeader, ArbitraryFileIdentifier: '受付' } } }, { encoding: 'cp932' });
    const lying = Buffer.concat([utf8('<?xml version="1.0" encoding="UTF-8" standalone="no"?>'), sjis.subarray(sjis.indexOf('?>') + 2)]);
    const error = errorOf(lying);
    expect(error.code).toBe('invalid-bytes');
    expect(error.where).toBe(`byte ${lying.indexOf(Buffer.from([0x8e, 0xf3]))}`);
  });

  it('a U+FFFD the file really contains is text; bad bytes after it are still found, at their offset', () => {
    // fast-check found this: a name holding U+FFFD was refused as "not valid UTF-8".
    const decoded = decodeOqsXml(encodeOqsResultXml(faceResult('\uFFFD '), { encoding: 'utf8' }));
    expect('message' in decoded && decoded.message.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.Name).toBe('\uFFFD ');
    const good = encodeOqsResultXml(faceResult('\uFFFD\uFFFD'), { encoding: 'utf8' });
    const at = good.indexOf(Buffer.from('</Name>'));
    const bad = Buffer.concat([good.subarray(0, at), Buffer.from([0xc3]), good.subarray(at)]);
    expect(errorOf(bad)).toMatchObject({ code: 'invalid-bytes', where: `byte ${at}` });
  });

  it('not well-formed XML, with line and column', () => {
    expect(errorOf(utf8(REQUEST_UTF8.replace('</Birthdate>', '</Birthday>')))).toMatchObject({ code: 'malformed-xml', where: 'line 14, column 32' });
    expect(errorOf(utf8(REQUEST_UTF8.slice(0, 300))).code).toBe('malformed-xml');
    expect(errorOf(utf8('<!DOCTYPE x [<!ENTITY a "b">]><XmlMsg/>')).code).toBe('malformed-xml');
    expect(errorOf(utf8(REQUEST_UTF8.replace('req-0001', '&bogus;'))).code).toBe('malformed-xml');
  });

  it('a root other than XmlMsg, and two roots', () => {
    expect(errorOf(utf8('<Other/>'))).toMatchObject({ code: 'unexpected-root', where: 'Other' });
    expect(errorOf(utf8('<XmlMsg/><XmlMsg/>')).code).toBe('unexpected-root');
  });

  it('an unknown element, naming its path', () => {
    expect(errorOf(utf8(REQUEST_UTF8.replace('<Birthdate>', '<Nickname>x</Nickname><Birthdate>')))).toMatchObject({
      code: 'unknown-element',
      where: 'XmlMsg/MessageBody/QualificationConfirmSearchInfo/Nickname',
    });
  });

  it('a duplicate element, an attribute, a missing and an invalid value', () => {
    expect(errorOf(utf8(REQUEST_UTF8.replace('<Birthdate>19800115</Birthdate>', '<Birthdate>19800115</Birthdate><Birthdate>19800116</Birthdate>'))).code).toBe(
      'duplicate-element',
    );
    expect(errorOf(utf8(REQUEST_UTF8.replace('<XmlMsg>', '<XmlMsg version="2">'))).code).toBe('unexpected-attribute');
    expect(errorOf(utf8(REQUEST_UTF8.replace('<Birthdate>19800115</Birthdate>', '')))).toMatchObject({
      code: 'missing-element',
      where: 'XmlMsg/MessageBody/QualificationConfirmSearchInfo/Birthdate',
    });
    expect(errorOf(utf8(REQUEST_UTF8.replace('19800115', '1980-01-15')))).toMatchObject({
      code: 'invalid-value',
      where: 'XmlMsg/MessageBody/QualificationConfirmSearchInfo/Birthdate',
    });
  });

  it('an invalid value names its path once: in `where`, not again in the message (regression)', () => {
    // Error results write `<where>: <message>` (terminal/oqs-answer.ts); the message must not
    // carry the path too. The ErrorMessage text itself: central/oqs-routes.test.ts.
    expect(errorOf(utf8(REQUEST_UTF8.replace('19800115', '1980-01-15')))).toEqual({
      code: 'invalid-value',
      message: 'must be yyyyMMdd (8 digits) (received "1980-01-15")',
      where: 'XmlMsg/MessageBody/QualificationConfirmSearchInfo/Birthdate',
    });
  });

  it('maps request file names to result file names, keeping the suffix', () => {
    expect(resultFileNameFor('OQSsiquc01req_202504010001.xml')).toBe('OQSsiquc01res_202504010001.xml');
    expect(resultFileNameFor('OQSmuquc02req_x.xml')).toBe('OQSmuquc02res_x.xml');
    expect(resultFileNameFor('notes.txt')).toBeUndefined();
  });

  it('our header ErrorCode values (the real ones are not public)', () => {
    expect(OQS_XML_ERROR_CODES['malformed-xml']).toBe('MRX005');
    expect(OQS_XML_ERROR_CODES['too-large']).toBe('MRX001');
  });
});

describe('properties', () => {
  // Any text without XML-forbidden control characters survives UTF-8 exactly, and CP932 up to ●.
  // eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids
  const nameText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\r\uFFFE\uFFFF]/.test(s));

  it('UTF-8: Name round-trips exactly', () => {
    fc.assert(
      fc.property(nameText, (name) => {
        const decoded = decodeOqsXml(encodeOqsResultXml(faceResult(name), { encoding: 'utf8' }));
        return 'message' in decoded && decoded.message.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.Name === name;
      }),
      { numRuns: 300 },
    );
  });

  it('CP932: Name comes back with exactly the reported characters turned into ●', () => {
    fc.assert(
      fc.property(nameText, (name) => {
        const { bytes, replaced } = encodeOqsResultXmlWithReport(faceResult(name), { encoding: 'cp932' });
        const expected = [...name].map((c) => (replaced.some((r) => r.char === c) ? '●' : c)).join('');
        const decoded = decodeOqsXml(bytes);
        return 'message' in decoded && decoded.message.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.Name === expected;
      }),
      { numRuns: 300 },
    );
  });
});
