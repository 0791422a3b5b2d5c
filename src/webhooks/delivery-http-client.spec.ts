import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryHttpClient } from './delivery-http-client';

describe('webhook delivery client', () => {
  let server: Server;
  let url: string;
  const answers: ((res: ServerResponse) => void)[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      (answers.shift() ?? ((r: ServerResponse) => r.writeHead(204).end()))(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('takes the status of a receiver that answers with an endless body, without reading it', async () => {
    let written = 0;
    answers.push((res) => {
      res.writeHead(200, { 'retry-after': '7' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const more = (): void => {
        while (!res.destroyed && written < 512 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (!res.destroyed && written < 512 * 1024 * 1024) res.once('drain', more);
      };
      more();
    });
    const answer = await new DeliveryHttpClient({ allowPrivateUrls: true }).post(url, '{}', {});
    expect(answer).toEqual({ statusCode: 200, retryAfterMs: 7000 });
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('gives up at the deadline on a receiver that trickles its answer', async () => {
    answers.push((res) => {
      res.socket?.write('HTTP/1.1 200 OK\r\n');
      const timer = setInterval(() => res.socket?.write('x-slow: 1\r\n'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    await expect(
      new DeliveryHttpClient({ allowPrivateUrls: true, timeoutMs: 5_000, deadlineMs: 700 }).post(
        url,
        '{}',
        {},
      ),
    ).rejects.toThrow('did not answer within 700 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a name resolving to loopback when private URLs are not allowed', async () => {
    await expect(
      new DeliveryHttpClient({ allowPrivateUrls: false }).post(
        url.replace('127.0.0.1', 'localhost'),
        '{}',
        {},
      ),
    ).rejects.toThrow('private, loopback or link-local');
  });
});
