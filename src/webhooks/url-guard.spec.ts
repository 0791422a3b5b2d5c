import { assertPublicUrl, isBlockedAddress } from './url-guard';

describe('webhook URL guard', () => {
  it('blocks private, loopback, link-local and metadata addresses', () => {
    for (const address of [
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ]) {
      expect(isBlockedAddress(address)).toBe(true);
    }
  });

  it('lets public addresses through', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])
      expect(isBlockedAddress(address)).toBe(false);
  });

  it('refuses literal private hosts and odd schemes, and allows them when told to', async () => {
    await expect(assertPublicUrl('http://127.0.0.1:8080/hook', false)).rejects.toThrow('loopback');
    await expect(assertPublicUrl('http://[::1]/hook', false)).rejects.toThrow('private');
    await expect(assertPublicUrl('http://169.254.169.254/latest/meta-data', false)).rejects.toThrow(
      'link-local',
    );
    await expect(assertPublicUrl('ftp://example.com/x', false)).rejects.toThrow('only http and https');
    await expect(assertPublicUrl('https://user:pw@93.184.216.34/x', false)).rejects.toThrow('credentials');
    await expect(assertPublicUrl('http://127.0.0.1:8080/hook', true)).resolves.toBeUndefined();
    await expect(assertPublicUrl('https://93.184.216.34/hook', false)).resolves.toBeUndefined();
  });

  it('refuses a name that resolves to loopback', async () => {
    await expect(assertPublicUrl('http://localhost/hook', false)).rejects.toThrow('loopback');
  });
});
