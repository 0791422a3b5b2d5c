import axios, { type AxiosInstance } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { guardedLookup } from '../../adapters/shared/address-guard';
import { parseRetryAfter } from '../../adapters/shared/http-errors';

/** Longest silence on the socket. */
export const DELIVERY_TIMEOUT_MS = 15_000;
/** Longest a whole delivery may take, however slowly the receiver answers. */
export const DELIVERY_DEADLINE_MS = 20_000;

export interface DeliveryAnswer {
  statusCode: number;
  retryAfterMs?: number;
}

export interface DeliveryClientOptions {
  allowPrivateUrls: boolean;
  timeoutMs?: number;
  deadlineMs?: number;
}

/**
 * Posts one signed delivery. Only the status and `Retry-After` matter, so the receiver's body is never
 * read: the stream is dropped as soon as the headers arrive, and a receiver that keeps the answer open
 * (or trickles headers) is cut at the deadline.
 */
export class DeliveryHttpClient {
  private readonly http: AxiosInstance;
  private readonly deadlineMs: number;

  constructor(options: DeliveryClientOptions) {
    const lookup = options.allowPrivateUrls ? undefined : guardedLookup;
    this.deadlineMs = options.deadlineMs ?? DELIVERY_DEADLINE_MS;
    this.http = axios.create({
      timeout: options.timeoutMs ?? DELIVERY_TIMEOUT_MS,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'stream',
      httpAgent: new HttpAgent({ keepAlive: true, lookup }),
      httpsAgent: new HttpsAgent({ keepAlive: true, lookup }),
    });
  }

  async post(url: string, body: string, headers: Record<string, string>): Promise<DeliveryAnswer> {
    try {
      const response = await this.http.post<Readable>(url, body, {
        headers,
        signal: AbortSignal.timeout(this.deadlineMs),
      });
      response.data.destroy();
      return {
        statusCode: response.status,
        retryAfterMs: parseRetryAfter(response.headers['retry-after'] as string | undefined),
      };
    } catch (error) {
      if (axios.isCancel(error))
        throw new Error(`the receiver did not answer within ${this.deadlineMs} ms`, { cause: error });
      throw error;
    }
  }
}
