import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdapterErrorCode } from '../contract';
import { createHttpClient } from './http-client';
import { mapTransportError, parseRetryAfter } from './http-errors';

describe('transport errors', () => {
  let server: Server;
  let base: string;
  const answers: ((res: import('node:http').ServerResponse) => void)[] = [];

  beforeAll(async () => {
    server = createServer((_req, res) => (answers.shift() ?? ((r) => r.writeHead(200).end('{}')))(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const failure = async () => {
    try {
      await createHttpClient(base, 2_000).get('/');
    } catch (error) {
      return mapTransportError(error);
    }
    throw new Error('the request succeeded');
  };

  it('treats a dropped connection as TEMPORARY', async () => {
    answers.push((res) => res.socket?.destroy());
    expect((await failure())?.code).toBe(AdapterErrorCode.TEMPORARY);
  });

  it('treats 429 as RATE_LIMITED with the wait the platform asked for', async () => {
    answers.push((res) => res.writeHead(429, { 'retry-after': '3' }).end());
    const error = await failure();
    expect(error?.code).toBe(AdapterErrorCode.RATE_LIMITED);
    expect(error?.retryAfterMs).toBe(3000);
  });

  it('maps 5xx, 401/403, 404 and 409, and leaves other statuses to the platform', async () => {
    const codes: [number, AdapterErrorCode | undefined][] = [
      [503, AdapterErrorCode.TEMPORARY],
      [401, AdapterErrorCode.AUTH],
      [404, AdapterErrorCode.NOT_FOUND],
      [409, AdapterErrorCode.CONFLICT],
      [400, undefined],
    ];
    for (const [status, code] of codes) {
      answers.push((res) => res.writeHead(status).end());
      expect((await failure())?.code).toBe(code);
    }
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('5')).toBe(5000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
