import { TenantCache } from './tenant-cache';

describe('TenantCache', () => {
  let now = 0;
  let loads: string[];
  const cache = (load: (tenantId: string) => Promise<string> = async (id) => `${id}@${now}`) =>
    new TenantCache<string>(
      1_000,
      (tenantId) => {
        loads.push(tenantId);
        return load(tenantId);
      },
      () => now,
    );

  beforeEach(() => {
    now = 0;
    loads = [];
  });

  it('loads a tenant once per TTL, and concurrent misses share the load', async () => {
    const settings = cache();
    const [a, b] = await Promise.all([settings.get('t1'), settings.get('t1')]);
    expect([a, b]).toEqual(['t1@0', 't1@0']);
    now = 999;
    expect(await settings.get('t1')).toBe('t1@0');
    now = 1_000;
    expect(await settings.get('t1')).toBe('t1@1000');
    expect(loads).toEqual(['t1', 't1']);
  });

  it('keeps tenants apart and reloads one at once after invalidation', async () => {
    const settings = cache();
    await settings.get('t1');
    await settings.get('t2');
    now = 10;
    settings.invalidate('t1');
    expect(await settings.get('t1')).toBe('t1@10');
    expect(await settings.get('t2')).toBe('t2@0');
  });

  it('does not keep a failed load', async () => {
    let fail = true;
    const settings = cache(async (id) => {
      if (fail) throw new Error('database down');
      return id;
    });
    await expect(settings.get('t1')).rejects.toThrow('database down');
    fail = false;
    expect(await settings.get('t1')).toBe('t1');
  });
});
