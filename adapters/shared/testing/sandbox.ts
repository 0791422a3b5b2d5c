import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AdapterContext,
  IncomingPush,
  MarketplaceSandbox,
  NormalizedCase,
  TicketForAction,
} from '../../contract';

/** Runs the sandbox for the enclosing block; faults are cleared so one test's leftovers cannot leak into the next. */
export function useSandbox(sandbox: MarketplaceSandbox): void {
  beforeAll(() => sandbox.start());
  afterEach(() => sandbox.clearFaults());
  afterAll(() => sandbox.stop());
}

/** The ticket the hub would hand to `perform` for a case it has pulled. */
export function ticketOf(found: NormalizedCase): TicketForAction {
  return {
    externalId: found.externalId,
    externalOrderId: found.externalOrderId,
    kind: found.kind,
    stage: found.stage,
    requestedAmount: found.requestedAmount,
    platformVersion: found.platformVersion,
    raw: found.raw,
  };
}

/** Captures the sandbox's webhook deliveries as the hub's ingress would see them. */
export async function receiver(): Promise<{ url: string; pushes: IncomingPush[]; server: Server }> {
  const pushes: IncomingPush[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      pushes.push({ rawBody: Buffer.concat(chunks), headers: req.headers, query: {} });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, pushes, server };
}

/** The context the hub hands an adapter for a connection to this sandbox. */
export function sandboxContext(
  sandbox: MarketplaceSandbox,
  credentials: Record<string, string> = sandbox.credentials,
  now: () => Date = () => new Date(),
): AdapterContext {
  return {
    connection: {
      id: `conn-${sandbox.platform}`,
      tenantId: 'tenant-1',
      platform: sandbox.platform,
      shopId: sandbox.shopId,
      apiBaseUrl: sandbox.url,
      credentials,
    },
    limiter: { acquire: () => Promise.resolve() },
    now,
  };
}
