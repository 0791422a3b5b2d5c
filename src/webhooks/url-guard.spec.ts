import { assertPublicUrl, isBlockedAddress } from './url-guard';

const closed = { allowPrivate: false, refuseUnresolvable: true };

describe('URL guard', () => {
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

  it('blocks every IPv6 form that embeds an IPv4 address, site-local and discard-only addresses', () => {
    for (const address of [
      '::7f00:1', // IPv4-compatible 127.0.0.1
      '::a9fe:a9fe', // IPv4-compatible 169.254.169.254
      '::ffff:7f00:1', // IPv4-mapped, hex form
      '::ffff:0:7f00:1', // IPv4-translated
      '::ffff:0:a9fe:a9fe',
      '64:ff9b::7f00:1', // NAT64 well-known prefix
      '64:ff9b::a9fe:a9fe',
      '64:ff9b:1::a00:1', // NAT64 local-use prefix
      '2002:7f00:1::', // 6to4 of 127.0.0.1
      '2002:a9fe:a9fe::1',
      'fec0::1', // site-local
      '100::1', // discard-only
      'fe80::1%eth0',
    ]) {
      expect([address, isBlockedAddress(address)]).toEqual([address, true]);
    }
  });

  it('lets public addresses through', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '2001:db8:1::1'])
      expect(isBlockedAddress(address)).toBe(false);
  });

  it('refuses literal private hosts and odd schemes, and allows them when told to', async () => {
    await expect(assertPublicUrl('http://127.0.0.1:8080/hook', closed)).rejects.toThrow('loopback');
    await expect(assertPublicUrl('http://[::1]/hook', closed)).rejects.toThrow('private');
    await expect(assertPublicUrl('http://[64:ff9b::7f00:1]:5432/', closed)).rejects.toThrow('private');
    await expect(assertPublicUrl('http://169.254.169.254/latest/meta-data', closed)).rejects.toThrow(
      'link-local',
    );
    await expect(assertPublicUrl('ftp://example.com/x', closed)).rejects.toThrow('only http and https');
    await expect(assertPublicUrl('https://user:pw@93.184.216.34/x', closed)).rejects.toThrow('credentials');
    await expect(assertPublicUrl('http://127.0.0.1:8080/hook', { allowPrivate: true })).resolves.toBe(
      undefined,
    );
    await expect(assertPublicUrl('https://93.184.216.34/hook', closed)).resolves.toBe(undefined);
  });

  it('refuses plain http when https is required, even for public hosts', async () => {
    await expect(
      assertPublicUrl('http://93.184.216.34/', { allowPrivate: false, requireHttps: true }),
    ).rejects.toThrow('only https');
  });

  it('refuses a name that resolves to loopback', async () => {
    await expect(assertPublicUrl('http://localhost/hook', closed)).rejects.toThrow('loopback');
  });

  it('leaves a name that does not resolve to the connect-time check unless told to refuse it', async () => {
    await expect(assertPublicUrl('https://no-such-host.invalid/', { allowPrivate: false })).resolves.toBe(
      undefined,
    );
    await expect(assertPublicUrl('https://no-such-host.invalid/', closed)).rejects.toThrow(
      'does not resolve',
    );
  });
});
