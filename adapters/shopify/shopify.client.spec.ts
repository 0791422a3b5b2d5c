import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { AdapterErrorCode, type AdapterContext } from '../contract';
import { ShopifyClient } from './shopify.client';
import { SHOPIFY_OPERATIONS } from './shopify.queries';
import type { ShopifyReturnMutationPayload, ShopifyReturnQuery } from './shopify.types';
import { guardNock, rejection } from '../shared/testing/nock-guard';

const BASE = 'https://hub-test.myshopify.com';
const PATH = '/admin/api/2026-01/graphql.json';
const fixture = (name: string): string => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

function context() {
  const acquire = jest.fn((_cost?: number) => Promise.resolve());
  const report = jest.fn((_status: { available: number; capacity: number; restorePerSecond: number }) =>
    Promise.resolve(),
  );
  const ctx: AdapterContext = {
    connection: {
      id: 'conn-1',
      tenantId: 't-1',
      platform: 'shopify',
      shopId: 'hub-test.myshopify.com',
      apiBaseUrl: BASE,
      credentials: { accessToken: 'shpat_test_token', apiSecret: 'shpss_test_secret' },
    },
    limiter: { acquire, report },
    now: () => new Date('2025-03-02T00:00:00Z'),
  };
  return { ctx, acquire, report };
}

describe('ShopifyClient', () => {
  guardNock();

  it('posts the operation with the access token, acquires its cost first and reports the bucket', async () => {
    const { ctx, acquire, report } = context();
    const scope = nock(BASE, { reqheaders: { 'x-shopify-access-token': 'shpat_test_token' } })
      .post(PATH, (body: { operationName: string; query: string; variables: { id: string } }) => {
        return (
          body.operationName === 'FetchReturn' &&
          body.query.includes('return(id: $id)') &&
          body.variables.id === 'gid://shopify/Return/7091800003790954036'
        );
      })
      .reply(200, fixture('graphql-fetch-return.json'));

    const data = await new ShopifyClient(ctx).request<ShopifyReturnQuery>(SHOPIFY_OPERATIONS.fetchReturn, {
      id: 'gid://shopify/Return/7091800003790954036',
    });

    expect(scope.isDone()).toBe(true);
    expect(data.return?.name).toBe('#1106-R2');
    expect(acquire).toHaveBeenCalledWith(SHOPIFY_OPERATIONS.fetchReturn.estimatedCost);
    expect(report).toHaveBeenCalledWith({ available: 1959, capacity: 2000, restorePerSecond: 100 });
  });

  it('maps THROTTLED to RATE_LIMITED, waiting for the cost deficit at the restore rate', async () => {
    const { ctx, report } = context();
    const scope = nock(BASE).post(PATH).reply(200, fixture('graphql-throttled.json'));

    const error = await rejection(new ShopifyClient(ctx).request(SHOPIFY_OPERATIONS.pullOrders, {}));

    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(AdapterErrorCode.RATE_LIMITED);
    // (900 requested − 150 available) / 100 points per second = 7.5 s
    expect(error.retryAfterMs).toBe(7500);
    expect(report).toHaveBeenCalledWith({ available: 150, capacity: 2000, restorePerSecond: 100 });
  });

  it('maps HTTP 429 with Retry-After to RATE_LIMITED', async () => {
    const { ctx } = context();
    nock(BASE).post(PATH).reply(429, '{"errors":"Exceeded 2 calls per second for api client."}', {
      'Retry-After': '2.0',
    });
    const error = await rejection(new ShopifyClient(ctx).request(SHOPIFY_OPERATIONS.fetchReturn, {}));
    expect(error.code).toBe(AdapterErrorCode.RATE_LIMITED);
    expect(error.retryAfterMs).toBe(2000);
  });

  it('maps 401 (revoked or wrong token) to AUTH and keeps Shopify’s message', async () => {
    const { ctx } = context();
    nock(BASE)
      .post(PATH)
      .reply(
        401,
        '{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}',
      );
    const error = await rejection(new ShopifyClient(ctx).request(SHOPIFY_OPERATIONS.fetchReturn, {}));
    expect(error.code).toBe(AdapterErrorCode.AUTH);
    expect(error.upstream.httpStatus).toBe(401);
    expect(error.upstream.message).toContain('Invalid API key or access token');
  });

  it('maps 5xx to TEMPORARY and ACCESS_DENIED to AUTH', async () => {
    const { ctx } = context();
    nock(BASE).post(PATH).reply(503, '{"errors":"Service Unavailable"}');
    expect((await rejection(new ShopifyClient(ctx).request(SHOPIFY_OPERATIONS.fetchReturn, {}))).code).toBe(
      AdapterErrorCode.TEMPORARY,
    );
    nock(BASE)
      .post(PATH)
      .reply(200, {
        errors: [{ message: 'Access denied for return field.', extensions: { code: 'ACCESS_DENIED' } }],
      });
    expect((await rejection(new ShopifyClient(ctx).request(SHOPIFY_OPERATIONS.fetchReturn, {}))).code).toBe(
      AdapterErrorCode.AUTH,
    );
  });

  it('turns userErrors on HTTP 200 into CONFLICT when the state changed, INVALID otherwise', async () => {
    const { ctx } = context();
    nock(BASE).post(PATH).reply(200, fixture('graphql-approve-invalid-state.json'));
    const conflict = await rejection(
      new ShopifyClient(ctx).mutate<ShopifyReturnMutationPayload>(
        SHOPIFY_OPERATIONS.approveReturn,
        'returnApproveRequest',
        { input: { id: 'gid://shopify/Return/1' } },
      ),
    );
    expect(conflict.code).toBe(AdapterErrorCode.CONFLICT);
    expect(conflict.message).toContain('Only returns with status REQUESTED can be approved');

    nock(BASE)
      .post(PATH)
      .reply(200, {
        data: {
          refundCreate: {
            refund: null,
            userErrors: [{ field: ['transactions'], message: 'Refund amount must be greater than 0' }],
          },
        },
      });
    const invalid = await rejection(
      new ShopifyClient(ctx).mutate(SHOPIFY_OPERATIONS.createRefund, 'refundCreate', {}),
    );
    expect(invalid.code).toBe(AdapterErrorCode.INVALID);
    expect(invalid.message).toContain('Refund amount must be greater than 0');
  });
});
