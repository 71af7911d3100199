import { describe, expect, it } from 'vitest';
import { PersonaSpec, Scenario } from '../scenarios/schema.js';
import { cardExtras, certificateDates, readerOptions } from './rig.js';

const persona = (card: Record<string, unknown>): PersonaSpec => PersonaSpec.parse({ name: '中村　和子', birthDate: '1953-05-20', card });

describe('rig: persona card facts and reader options as the simulators take them', () => {
  it('passes only the card facts a scenario wrote', () => {
    expect(cardExtras(persona({ token: 'iphone', biometric: 'fails' }))).toEqual({ token: 'iphone', biometric: 'fails' });
    expect(cardExtras(persona({ myNumber: '123456789018', cardExpiresOn: '2030-05-20', securityCode: '0420', pinBFormat: 'yymmdd', facePinBTriesLeft: 0 }))).toEqual({
      myNumber: '123456789018',
      cardExpiresOn: '2030-05-20',
      securityCode: '0420',
      pinBFormat: 'yymmdd',
      facePinBTriesLeft: 0,
    });
    expect(cardExtras(persona({}))).toEqual({});
  });

  it('starts the default certificate on the card\'s issue date when one is written', () => {
    // Born 1953-05-20, issued 2021-03-01: birthdays 2021, 2022, 2023, 2024, 2025 — the 5th is 2025-05-20.
    expect(certificateDates(persona({ issuedOn: '2021-03-01' }), '2025-10-06' as never)).toEqual({ notBefore: '2021-03-01', notAfter: '2025-05-20' });
  });

  it('passes only the reader options a scenario wrote, leaving the rest to the profile', () => {
    const base = { id: 'x/y', title: 't', source: [{ seed: '001_61ed4242cd0736b5.txt', section: 's' }], at: '2025-10-06T09:00:00+09:00', personas: {}, steps: [{ ack: null }], expect: {} };
    expect(readerOptions(Scenario.parse(base).reader)).toEqual({});
    const reader = Scenario.parse({ ...base, reader: { profile: 'vendor-d', faceFailNext: 'auth-select', faceCaptureTimeoutS: 20, phoneReader: false } }).reader;
    expect(readerOptions(reader)).toEqual({ faceFailNext: 'auth-select', faceCaptureTimeoutS: 20, phoneReader: false });
  });
});
