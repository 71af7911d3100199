import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CardCheckRequest } from '../../protocol/central-api.js';
import { plainPinCheck } from './card-check-request.js';

const valid = {
  medicalInstitutionCode: '1310000000',
  method: 'pin',
  certificate: 'MIIB',
  challengeId: 'abc',
  signature: 'AAAA',
  qualification: { consent: { diagnosis: true, pharmacy: false, checkup: true, operation: false }, arbitraryFileIdentifier: 'face-0001' },
};

describe('plainPinCheck: the fast body check of a PIN card check', () => {
  it('decodes a plain PIN check with its qualification, dropping unknown keys', () => {
    expect(plainPinCheck({ ...valid, extra: 1, qualification: { ...valid.qualification, more: 2 } })).toEqual(valid);
  });

  it('leaves to the schema: face checks, a 9-digit institution, an empty challenge, a 51-character file id, a string consent flag', () => {
    expect(plainPinCheck({ ...valid, method: 'face' })).toBeUndefined();
    expect(plainPinCheck({ ...valid, medicalInstitutionCode: '131000000' })).toBeUndefined();
    expect(plainPinCheck({ ...valid, challengeId: '' })).toBeUndefined();
    expect(plainPinCheck({ ...valid, qualification: { ...valid.qualification, arbitraryFileIdentifier: 'x'.repeat(51) } })).toBeUndefined();
    expect(plainPinCheck({ ...valid, qualification: { consent: { ...valid.qualification.consent, checkup: 'true' } } })).toBeUndefined();
    expect(plainPinCheck([valid])).toBeUndefined();
  });

  it('is never looser than the schema, and decodes as it does (fast-check, mutated bodies)', () => {
    const anyValue = fc.oneof(fc.string({ maxLength: 12 }), fc.boolean(), fc.integer(), fc.constant(null), fc.constant(undefined), fc.array(fc.string(), { maxLength: 2 }));
    const field = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: anyValue });
    const consent = fc.record({ diagnosis: field(fc.boolean()), pharmacy: field(fc.boolean()), checkup: field(fc.boolean()), operation: field(fc.boolean()) }, { requiredKeys: [] });
    const qualification = fc.record({ consent: field(consent), arbitraryFileIdentifier: field(fc.string({ maxLength: 60 })) }, { requiredKeys: [] });
    const body = fc.record(
      {
        medicalInstitutionCode: field(fc.stringMatching(/^\d{9,11}$/)),
        method: field(fc.constantFrom('pin', 'face', 'visual', 'PIN')),
        certificate: field(fc.string({ maxLength: 4 })),
        challengeId: field(fc.string({ maxLength: 4 })),
        signature: field(fc.string({ maxLength: 4 })),
        attestation: field(fc.record({ readerId: fc.string(), signature: fc.string() })),
        qualification: field(qualification),
      },
      { requiredKeys: [] },
    );
    // Random bodies alone pass the fast check only rarely (every field must be good at once): the
    // valid body with one field replaced keeps the acceptance side exercised on every run.
    const oneFieldOff = fc.tuple(fc.constantFrom(...Object.keys(valid)), anyValue).map(([key, value]) => ({ ...valid, [key]: value }));
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(body, oneFieldOff, fc.constant(valid)), (b) => {
        const fast = plainPinCheck(b);
        if (fast === undefined) return;
        accepted++;
        const slow = CardCheckRequest.safeParse(b);
        expect(slow.success).toBe(true);
        expect(fast).toEqual(slow.data);
      }),
      { numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
