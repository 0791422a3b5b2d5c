import { randomBytes } from 'node:crypto';
import { CredentialsCipher } from './credentials-cipher';

describe('CredentialsCipher', () => {
  const cipher = new CredentialsCipher(randomBytes(32));

  it('round-trips credentials bound to their connection', () => {
    const sealed = cipher.encrypt({ appSecret: 's3cret' }, 'conn-1');
    expect(sealed).not.toContain('s3cret');
    expect(cipher.decrypt(sealed, 'conn-1')).toEqual({ appSecret: 's3cret' });
  });

  it('uses a new nonce for every write', () => {
    expect(cipher.encrypt({ a: 'b' }, 'c')).not.toEqual(cipher.encrypt({ a: 'b' }, 'c'));
  });

  it('refuses credentials moved to another connection or tampered with', () => {
    const sealed = cipher.encrypt({ appSecret: 's3cret' }, 'conn-1');
    expect(() => cipher.decrypt(sealed, 'conn-2')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), 'conn-1')).toThrow();
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new CredentialsCipher(randomBytes(16))).toThrow('32 bytes');
  });
});
