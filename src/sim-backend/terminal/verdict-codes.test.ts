import { describe, expect, it } from 'vitest';
import { readerErrorFor } from './verdict-codes.js';

describe('readerErrorFor', () => {
  it('shows 006 for an expired or revoked certificate (reader-flow F3)', () => {
    expect(readerErrorFor('certificate-expired')).toEqual({ errorCode: '006', message: '利用者証明用電子証明書の失効・有効期限切れ' });
    expect(readerErrorFor('certificate-revoked')).toEqual({ errorCode: '006', message: '利用者証明用電子証明書の失効・有効期限切れ' });
  });

  it('shows the E-cert placeholder for a suspended certificate (F4, number unconfirmed)', () => {
    expect(readerErrorFor('certificate-suspended').errorCode).toBe('E-cert');
  });

  it('shows E-auth when identity cannot be verified and E-comm when the challenge exchange broke', () => {
    expect(readerErrorFor('signature-invalid').errorCode).toBe('E-auth');
    expect(readerErrorFor('attestation-invalid').errorCode).toBe('E-auth');
    expect(readerErrorFor('certificate-untrusted').errorCode).toBe('E-auth');
    expect(readerErrorFor('certificate-not-yet-valid').errorCode).toBe('E-auth');
    expect(readerErrorFor('card-not-linked').errorCode).toBe('E-auth');
    expect(readerErrorFor('challenge-unknown')).toEqual({ errorCode: 'E-comm', message: '通信エラー' });
    expect(readerErrorFor('challenge-expired').errorCode).toBe('E-comm');
    expect(readerErrorFor('challenge-reused').errorCode).toBe('E-comm');
    expect(readerErrorFor(undefined).errorCode).toBe('E-auth');
  });
});
