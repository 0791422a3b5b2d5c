import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RecordedCall, SandboxFault } from '../contract';

export interface SandboxRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

export interface SandboxResponse {
  status: number;
  body: string | object;
  headers?: Record<string, string>;
}

type PendingFault = Extract<SandboxFault, { times: number }>;

/**
 * The HTTP plumbing every sandbox shares: a loopback server, a call log, and a queue of injected
 * request faults. Each sandbox renders faults in its platform's own error format.
 */
export class SandboxHttpServer {
  private server: Server | null = null;
  private readonly log: RecordedCall[] = [];
  private readonly faults: PendingFault[] = [];
  private readonly openResponses = new Set<ServerResponse>();
  duplicateRatio = 0;
  reorderRatio = 0;
  baseUrl = '';
  /** Takes HTTP upgrades (a platform's WebSocket service); without it they are refused. */
  onUpgrade: ((request: IncomingMessage, socket: Socket, head: Buffer) => void) | null = null;

  constructor(
    private readonly handle: (
      request: SandboxRequest,
      fault: Exclude<PendingFault['kind'], 'slow_response'> | null,
    ) => Promise<SandboxResponse> | SandboxResponse,
    private readonly describe: (request: SandboxRequest) => string | null,
  ) {}

  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => void this.onRequest(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (this.onUpgrade) this.onUpgrade(req, socket, head);
      else socket.destroy();
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const response of this.openResponses) response.destroy();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  injectFault(fault: SandboxFault): void {
    if (fault.kind === 'duplicate_pushes') this.duplicateRatio = fault.ratio;
    else if (fault.kind === 'reorder_pushes') this.reorderRatio = fault.ratio;
    else this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.duplicateRatio = 0;
    this.reorderRatio = 0;
  }

  calls(): RecordedCall[] {
    return [...this.log];
  }

  private takeFault(apiMethod: string | null): PendingFault | null {
    const index = this.faults.findIndex((fault) => !fault.apiMethod || fault.apiMethod === apiMethod);
    if (index < 0) return null;
    const fault = this.faults[index];
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const request: SandboxRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    const apiMethod = this.describe(request);
    const fault = this.takeFault(apiMethod);
    const record: RecordedCall = {
      at: new Date(),
      ...request,
      apiMethod,
      status: 0,
      fault: fault?.kind ?? null,
    };
    this.log.push(record);
    if (fault?.kind === 'timeout') {
      this.openResponses.add(res);
      setTimeout(() => {
        this.openResponses.delete(res);
        res.destroy();
      }, fault.delayMs ?? 30_000).unref();
      return;
    }
    let response: SandboxResponse;
    try {
      response = await this.handle(
        request,
        fault?.kind === 'throttle' || fault?.kind === 'server_error' ? fault.kind : null,
      );
    } catch (error) {
      response = { status: 500, body: { error: error instanceof Error ? error.message : String(error) } };
    }
    record.status = response.status;
    if (fault?.kind === 'slow_response') {
      this.openResponses.add(res);
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs).unref());
      this.openResponses.delete(res);
      if (res.destroyed) return;
    }
    const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    res.writeHead(response.status, {
      'content-type': 'application/json; charset=utf-8',
      ...response.headers,
    });
    res.end(body);
  }
}

/** Sends one push to the hub and resolves with its status; a sandbox never throws on a failed push. */
export async function postPush(url: string, body: string, headers: Record<string, string>): Promise<number> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/**
 * Applies the duplicate and reorder ratios to a batch of pushes: some are sent twice, some swapped
 * with their neighbour, as real platforms do.
 */
export function shufflePushes<T>(
  pushes: T[],
  duplicateRatio: number,
  reorderRatio: number,
  random = Math.random,
): T[] {
  const out: T[] = [];
  for (const push of pushes) {
    out.push(push);
    if (random() < duplicateRatio) out.push(push);
  }
  for (let i = 0; i + 1 < out.length; i += 1) {
    if (random() < reorderRatio) [out[i], out[i + 1]] = [out[i + 1], out[i]];
  }
  return out;
}

/** Large ids like the platforms', beyond 2^53, so lossless parsing is exercised. */
export function bigId(prefix = '7'): string {
  let digits = prefix;
  while (digits.length < 19) digits += Math.floor(Math.random() * 10).toString();
  return digits;
}
