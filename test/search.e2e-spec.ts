import { GenericShop } from './support/generic-shop';
import { createTenant, TestHub, type TenantSession } from './support/test-app';

/** What agents type into the inbox search, against what buyers wrote. */
describe('inbox search: every word or Chinese run matches, in any order, through the index', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    hub = await TestHub.start();
    tenant = await createTenant(hub);
    const shop = await GenericShop.connect(hub, tenant);
    const reasons: Record<string, string> = {
      blender: 'The blender arrived broken',
      sole: '鞋底开胶，穿了两天就坏了',
      glue: '胶水漏了一地',
      mixed: 'iPhone壳子裂开了, case cracked!',
      other: '快递一直没收到',
    };
    for (const [name, reason] of Object.entries(reasons)) {
      ids[name] = (await shop.ticket({ reason, items: [] })).id;
    }
  });

  afterAll(() => hub.close());

  const search = async (q: string, filters: Record<string, string> = {}): Promise<string[]> => {
    const response = await hub.http
      .get('/v1/tickets')
      .query({ q, ...filters })
      .set(tenant.auth)
      .expect(200);
    return (response.body.data as { id: string }[]).map((ticket) => ticket.id).sort();
  };
  const expected = (...names: string[]) => names.map((name) => ids[name]).sort();

  it.each([
    ['blender broken', ['blender']],
    ['broken blender', ['blender']],
    ['BLEND arriv', ['blender']],
    ['blender, broken!', ['blender']],
    ['blender missing', []],
  ])('words: %s', async (q, names) => {
    expect(await search(q)).toEqual(expected(...names));
  });

  it.each([
    ['鞋底开胶', ['sole']],
    ['开胶 鞋底', ['sole']],
    ['鞋底，开胶', ['sole']],
    ['鞋底 没收到', []],
  ])('Chinese runs: %s', async (q, names) => {
    expect(await search(q)).toEqual(expected(...names));
  });

  it.each([
    ['胶', ['sole', 'glue']],
    ['坏', ['sole']],
    ['裂', ['mixed']],
  ])('one character: %s', async (q, names) => {
    expect(await search(q)).toEqual(expected(...names));
  });

  it.each([
    ['cracked 裂开', ['mixed']],
    ['壳子 iphone', ['mixed']],
    ['iphone 鞋底', []],
  ])('Chinese and English mixed: %s', async (q, names) => {
    expect(await search(q)).toEqual(expected(...names));
  });

  it.each([
    ['blender', 'generic', ['blender']],
    ['blender', 'shopify', []],
    ['blender', 'shopify,generic', ['blender']],
    ['胶', 'generic', ['sole', 'glue']],
    ['胶', 'taobao,jd', []],
  ])('with the platform filter: %s on %s', async (q, platform, names) => {
    expect(await search(q, { platform })).toEqual(expected(...names));
  });
});
