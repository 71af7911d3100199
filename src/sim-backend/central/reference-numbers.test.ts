import { describe, expect, it } from 'vitest';
import { ReferenceNumbers, withReferenceNumber } from './reference-numbers.js';

describe('ReferenceNumbers: one number per person and facility, one person per number', () => {
  it('registers, replaces a person\'s old number, and refuses a number held by another person', () => {
    const numbers = new ReferenceNumbers();
    expect(numbers.register('1310000000', 'jiro', 'K-0001')).toEqual({ ok: true });
    expect(numbers.get('1310000000', 'jiro')).toBe('K-0001');
    expect(numbers.get('1320000000', 'jiro')).toBeUndefined();
    expect(numbers.register('1310000000', 'hanako', 'K-0001')).toEqual({ ok: false, heldBy: 'jiro' });
    expect(numbers.register('1310000000', 'jiro', 'K-0002')).toEqual({ ok: true });
    expect(numbers.get('1310000000', 'jiro')).toBe('K-0002');
    // The old number is free again.
    expect(numbers.register('1310000000', 'hanako', 'K-0001')).toEqual({ ok: true });
    // Another facility may use the same number for another person.
    expect(numbers.register('1320000000', 'hanako', 'K-0002')).toEqual({ ok: true });
  });
});

describe('withReferenceNumber', () => {
  const doc = () => ({
    XmlMsg: {
      MessageHeader: { MedicalInstitutionCode: '1310000000' },
      MessageBody: { ResultList: { ResultOfQualificationConfirmation: [{ Name: 'A' }, { Name: 'B' }] }, ProcessingResultStatus: '1' },
    },
  });

  it('adds ReferenceNumber to every result of a copy, leaving the input alone', () => {
    const input = doc();
    const out = withReferenceNumber(input, 'K-0001');
    expect(JSON.stringify(out)).toBe(
      '{"XmlMsg":{"MessageHeader":{"MedicalInstitutionCode":"1310000000"},"MessageBody":{"ResultList":{"ResultOfQualificationConfirmation":[{"Name":"A","ReferenceNumber":"K-0001"},{"Name":"B","ReferenceNumber":"K-0001"}]},"ProcessingResultStatus":"1"}}}',
    );
    expect(input).toEqual(doc());
  });

  it('returns the same document when there is no number or no result', () => {
    const input = doc();
    expect(withReferenceNumber(input, undefined)).toBe(input);
    const empty = { XmlMsg: { MessageHeader: {}, MessageBody: { ProcessingResultStatus: '1' } } };
    expect(withReferenceNumber(empty, 'K-0001')).toBe(empty);
  });
});
