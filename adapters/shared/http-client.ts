import axios, { isAxiosError, isCancel, type AxiosInstance } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { AdapterError, AdapterErrorCode } from '../contract';
import { assertAllowedUrlSyntax, BlockedUrlError, guardedLookup } from './address-guard';

/** Longest silence on the socket. */
export const UPSTREAM_TIMEOUT_MS = 15_000;
/** Longest a whole exchange may take, however slowly the bytes trickle in. */
export const UPSTREAM_DEADLINE_MS = 30_000;
/** Largest answer read from a platform; a page of cases is well under 1 MiB on every supported API. */
export const UPSTREAM_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface UpstreamHttpPolicy {
  /** Loopback and private addresses allowed: sandboxes, tests, demos. Never in a shared deployment. */
  allowPrivateAddresses: boolean;
  /** Credentials travel only over TLS (production). */
  requireHttps: boolean;
  deadlineMs: number;
  maxResponseBytes: number;
}

/**
 * Set once by the hub at boot from its configuration (adapters do not read configuration themselves);
 * until then the strict defaults hold.
 */
let policy: UpstreamHttpPolicy = {
  allowPrivateAddresses: false,
  requireHttps: false,
  deadlineMs: UPSTREAM_DEADLINE_MS,
  maxResponseBytes: UPSTREAM_MAX_RESPONSE_BYTES,
};

const guardedAgents = {
  httpAgent: new HttpAgent({ keepAlive: true, lookup: guardedLookup }),
  httpsAgent: new HttpsAgent({ keepAlive: true, lookup: guardedLookup }),
};
const openAgents = {
  httpAgent: new HttpAgent({ keepAlive: true }),
  httpsAgent: new HttpsAgent({ keepAlive: true }),
};

export function configureUpstreamHttp(changes: Partial<UpstreamHttpPolicy>): void {
  policy = { ...policy, ...changes };
}

export function upstreamHttpPolicy(): UpstreamHttpPolicy {
  return policy;
}

function refused(reason: string): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, `the connection's address is refused: ${reason}`);
}

/** Turns the guard's and the limits' refusals into adapter errors; anything else is left to the platform's mapper. */
function limitError(error: unknown, deadlineMs: number): unknown {
  if (error instanceof BlockedUrlError) return refused(error.message);
  if (!isAxiosError(error) && !isCancel(error)) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof BlockedUrlError) return refused(cause.message);
  if (isCancel(error) || error.code === 'ERR_CANCELED')
    return new AdapterError(
      AdapterErrorCode.TEMPORARY,
      `no complete answer from the platform within ${deadlineMs} ms`,
    );
  if (/maxContentLength/.test(error.message))
    return new AdapterError(
      AdapterErrorCode.TEMPORARY,
      `the platform's answer is larger than ${policy.maxResponseBytes} bytes`,
    );
  return error;
}

/**
 * One axios instance per call site: bounded silence and total time, bounded answer size, no redirects,
 * only addresses the policy allows (checked on the URL and again on every DNS answer at connect time),
 * raw text kept for lossless parsing.
 */
export function createHttpClient(baseURL: string, timeout = UPSTREAM_TIMEOUT_MS): AxiosInstance {
  const current = policy;
  const client = axios.create({
    baseURL,
    timeout,
    maxRedirects: 0,
    maxContentLength: current.maxResponseBytes,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: (status) => status >= 200 && status < 300,
    ...(current.allowPrivateAddresses ? openAgents : guardedAgents),
  });
  client.interceptors.request.use((config) => {
    assertAllowedUrlSyntax(client.getUri(config), {
      allowPrivate: current.allowPrivateAddresses,
      requireHttps: current.requireHttps,
    });
    config.signal ??= AbortSignal.timeout(current.deadlineMs);
    return config;
  });
  client.interceptors.response.use(undefined, (error: unknown) =>
    Promise.reject(limitError(error, current.deadlineMs)),
  );
  return client;
}
