import { describe, expect, it } from 'vitest';
import { isoDate } from '../domain/index.js';
import { BUILTIN_CARD_PERSONAS, cardOptionsFromPersona, parseCardPersona } from './card-persona.js';

describe('card persona for `card serve`', () => {
  it('turns {} into a fresh card: PINs 1234 / SIGN1234, issued a year before today, validity left to the birthdays', () => {
    const o = cardOptionsFromPersona(parseCardPersona('{}', 'test'), isoDate('2026-05-10'));
    expect(o.authPin).toBe('1234');
    expect(o.signPin).toBe('SIGN1234');
    expect(o.issuedOn).toBe('2025-05-10');
    expect(o.authCertificate).toBeUndefined();
    expect(o.authPinTriesLeft).toBeUndefined();
  });

  it('keeps what the file says', () => {
    const json = '{"authPin":"0000","signPinTriesLeft":0,"holder":{"name":"髙橋 𠮷子","birthDate":"2001-02-03","sex":"2","address":"大阪府"}}';
    const o = cardOptionsFromPersona(parseCardPersona(json, 'p.json'), isoDate('2026-05-10'));
    expect(o.authPin).toBe('0000');
    expect(o.signPinTriesLeft).toBe(0);
    expect(o.holder?.name).toBe('髙橋 𠮷子');
  });

  it('names the file and the field of a bad value, and refuses unknown fields', () => {
    expect(() => parseCardPersona('{"authPin":"12345"}', 'p.json')).toThrow('card persona p.json: authPin: must be 4 digits');
    expect(() => parseCardPersona('{"signPin":"abc123"}', 'p.json')).toThrow(/signPin: must be 6–16 of A–Z 0–9/);
    expect(() => parseCardPersona('{"pin":"1234"}', 'p.json')).toThrow(/card persona p\.json: .*pin/);
    expect(() => parseCardPersona('{"authCertificate":{"notBefore":"2025-02-30","notAfter":"2030-01-01"}}', 'p.json')).toThrow(
      /authCertificate\.notBefore: must be a calendar date/,
    );
    expect(() => parseCardPersona('not json', 'p.json')).toThrow(/card persona p\.json: not JSON/);
  });

  it('has the built-in locked personas', () => {
    expect(BUILTIN_CARD_PERSONAS['auth-pin-locked']).toEqual({ authPinTriesLeft: 0 });
    expect(BUILTIN_CARD_PERSONAS['sign-pin-locked']).toEqual({ signPinTriesLeft: 0 });
  });

  it('carries the card states and the text AP facts, and checks the My Number check digit', () => {
    const json = '{"pinless":true,"state":"destroyed","token":"android","myNumber":"983205673214","textPin":"5678","textPinTriesLeft":1}';
    const o = cardOptionsFromPersona(parseCardPersona(json, 'p.json'), isoDate('2026-05-10'));
    expect([o.pinless, o.state, o.token, o.myNumber, o.textPin, o.textPinTriesLeft]).toEqual([true, 'destroyed', 'android', '983205673214', '5678', 1]);
    expect(() => parseCardPersona('{"myNumber":"983205673210"}', 'p.json')).toThrow(/myNumber: must be 12 digits with a valid check digit/);
    expect(() => parseCardPersona('{"state":"broken"}', 'p.json')).toThrow(/state/);
    expect(BUILTIN_CARD_PERSONAS['chip-destroyed']).toEqual({ state: 'destroyed' });
    expect(BUILTIN_CARD_PERSONAS['pinless']).toEqual({ pinless: true });
  });

  it('carries the 券面AP facts and explicit dates', () => {
    const json =
      '{"issuedOn":"2024-01-02","cardExpiresOn":"2033-05-06","securityCode":"4321","pinBFormat":"yyyymmdd","facePinATriesLeft":0,"facePinBTriesLeft":2,"authCertificate":{"notBefore":"2024-01-02","notAfter":"2029-01-01"}}';
    const o = cardOptionsFromPersona(parseCardPersona(json, 'p.json'), isoDate('2026-05-10'));
    expect([o.issuedOn, o.cardExpiresOn, o.securityCode, o.pinBFormat, o.facePinATriesLeft, o.facePinBTriesLeft]).toEqual(['2024-01-02', '2033-05-06', '4321', 'yyyymmdd', 0, 2]);
    expect(o.authCertificate).toEqual({ notBefore: '2024-01-02', notAfter: '2029-01-01' });
    expect(() => parseCardPersona('{"securityCode":"12345"}', 'p.json')).toThrow(/securityCode: must be 4 digits/);
    expect(() => parseCardPersona('{"pinBFormat":"ddmmyy"}', 'p.json')).toThrow(/pinBFormat/);
    expect(() => parseCardPersona('{"facePinBTriesLeft":4}', 'p.json')).toThrow(/facePinBTriesLeft/);
  });
});
