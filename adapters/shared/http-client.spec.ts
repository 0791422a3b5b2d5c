import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdapterError, AdapterErrorCode } from '../contract';
import { configureUpstreamHttp, createHttpClient, upstreamHttpPolicy } from './http-client';

async function failure(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(error)}`);
  return error;
}

describe('upstream HTTP client', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  const answers: ((res: ServerResponse) => void)[] = [];
  const saved = upstreamHttpPolicy();

  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits += 1;
      (answers.shift() ?? ((r: ServerResponse) => r.writeHead(200).end('{"ok":true}')))(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => configureUpstreamHttp(saved));
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  describe('with private addresses refused', () => {
    beforeEach(() => configureUpstreamHttp({ allowPrivateAddresses: false }));

    it.each([
      'http://127.0.0.1:PORT',
      'http://[::1]:PORT',
      'http://169.254.169.254',
      'http://10.0.0.8:9200',
      'http://[::ffff:127.0.0.1]:PORT',
      'http://[64:ff9b::7f00:1]:PORT',
    ])('refuses %s before sending anything', async (base) => {
      const before = hits;
      const error = await failure(createHttpClient(base.replace('PORT', String(port))).get('/'));
      expect(error.code).toBe(AdapterErrorCode.INVALID);
      expect(error.message).toMatch(/address is refused: .*private, loopback or link-local/);
      expect(hits).toBe(before);
    });

    it('refuses a name whose DNS answer is loopback, at connect time', async () => {
      const before = hits;
      const error = await failure(createHttpClient(`http://localhost:${port}`).get('/'));
      expect(error.code).toBe(AdapterErrorCode.INVALID);
      expect(error.message).toContain('localhost resolves to');
      expect(hits).toBe(before);
    });

    it('refuses plain http when https is required', async () => {
      configureUpstreamHttp({ requireHttps: true });
      const error = await failure(createHttpClient('http://93.184.216.34').get('/'));
      expect(error.message).toContain('only https');
    });
  });

  describe('with private addresses allowed (sandboxes)', () => {
    beforeEach(() => configureUpstreamHttp({ allowPrivateAddresses: true }));

    it('reaches a loopback sandbox', async () => {
      const response = await createHttpClient(`http://127.0.0.1:${port}`).get<string>('/');
      expect(response.data).toBe('{"ok":true}');
    });

    it('stops reading an answer larger than the cap', async () => {
      configureUpstreamHttp({ maxResponseBytes: 64 * 1024 });
      const chunk = Buffer.alloc(16 * 1024, 'x');
      answers.push((res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const write = (left: number): void => {
          if (left === 0 || res.destroyed) return void res.end();
          res.write(chunk, () => write(left - 1));
        };
        write(1024);
      });
      const error = await failure(createHttpClient(`http://127.0.0.1:${port}`).get('/'));
      expect(error.code).toBe(AdapterErrorCode.TEMPORARY);
      expect(error.message).toContain('larger than 65536 bytes');
    });

    it('gives up after the total deadline even when bytes keep trickling in', async () => {
      configureUpstreamHttp({ deadlineMs: 600 });
      let timer: NodeJS.Timeout | undefined;
      answers.push((res) => {
        res.writeHead(200);
        timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
      });
      const started = Date.now();
      const error = await failure(createHttpClient(`http://127.0.0.1:${port}`, 5_000).get('/'));
      clearInterval(timer);
      expect(error.code).toBe(AdapterErrorCode.TEMPORARY);
      expect(error.message).toContain('within 600 ms');
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });
});
