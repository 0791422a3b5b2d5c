import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { assertAllowedUrlSyntax, guardedLookup } from '../shared/address-guard';
import type { AdapterError } from '../contract';
import { upstreamHttpPolicy } from '../shared/http-client';
import { pddHandshakeRefusal } from './pinduoduo.errors';
import {
  PDD_HEARTBEAT_INTERVAL_MS,
  PDD_SERVER_SILENCE_TIMEOUT_MS,
  parsePddFrame,
  pddAckFrame,
  pddHeartbeatFrame,
  pddMessageUrl,
  type PddPushedMessage,
} from './pinduoduo.messages';

export type PddSocketState = 'connecting' | 'open' | 'closed' | 'refused' | 'stopped';

export interface PddMessageClientOptions {
  /** `wss://message-api.pinduoduo.com`, or a sandbox's `ws://127.0.0.1:port`. */
  base: string;
  clientId: string;
  clientSecret: string;
  /**
   * Handles one message; the client acknowledges it upstream only once this resolves, and answers `Fail` when
   * it rejects, so nothing is acknowledged that was not stored. Messages of one socket are handled in order.
   */
  onMessage(message: PddPushedMessage): Promise<void>;
  /** Socket life: connecting, open, closed (will reconnect), refused (handshake refused; will retry), stopped. */
  onState?(state: PddSocketState, detail: string | null): void;
  /** The handshake was refused: the gateway's answer as an adapter error (AUTH for a wrong sign or client id). */
  onRefused?(error: AdapterError): void;
  /** The handshake was accepted. */
  onAccepted?(): void;
  heartbeatIntervalMs?: number;
  serverSilenceTimeoutMs?: number;
  /** Reconnect delays: exponential from `initialMs` to `maxMs`, each with random jitter (half fixed, half random). */
  backoff?: { initialMs: number; maxMs: number };
  now?(): number;
  random?(): number;
}

/** Reconnect delays of the hub's client (not the SDK's: it retries every 30 s, ten times, then gives up). */
export const PDD_RECONNECT_BACKOFF = { initialMs: 1_000, maxMs: 60_000 };
/** Largest frame accepted from the service; a refund message is well under 4 KiB. */
const MAX_FRAME_BYTES = 1024 * 1024;
/** Longest an orderly close may take before the socket is cut. */
const CLOSE_GRACE_MS = 2_000;

/** The delay before reconnect attempt `attempt` (0-based): half of the exponential step fixed, half random. */
export function reconnectDelay(
  attempt: number,
  backoff: { initialMs: number; maxMs: number },
  random: () => number,
): number {
  const step = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + (step / 2) * random());
}

/**
 * One app's socket to the Pinduoduo message service: connects with a fresh signed URL each time, sends
 * heartbeats, watches the server's, reconnects with backoff and jitter after any drop or refusal, and
 * acknowledges each message only after `onMessage` has stored it.
 */
export class PddMessageClient {
  private socket: WebSocket | null = null;
  private stopped = true;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private lastHeardAt = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: PddMessageClientOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Stops for good: no reconnect; messages being stored are still acknowledged if the socket lives. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const cut = setTimeout(() => {
          socket.terminate();
          resolve();
        }, CLOSE_GRACE_MS);
        cut.unref();
        socket.once('close', () => {
          clearTimeout(cut);
          resolve();
        });
        if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
        else socket.close(1000, 'client stopping');
      });
    }
    this.options.onState?.('stopped', null);
  }

  private connect(): void {
    if (this.stopped) return;
    const { base, clientId, clientSecret } = this.options;
    const url = pddMessageUrl(base, clientId, clientSecret, this.now());
    const policy = upstreamHttpPolicy();
    try {
      assertAllowedUrlSyntax(url.replace(/^ws/, 'http'), {
        allowPrivate: policy.allowPrivateAddresses,
        requireHttps: policy.requireHttps,
      });
    } catch (error) {
      this.options.onState?.(
        'refused',
        `the message service address is refused: ${(error as Error).message}`,
      );
      this.scheduleReconnect();
      return;
    }
    this.options.onState?.('connecting', null);
    const socket = new WebSocket(url, {
      handshakeTimeout: 15_000,
      maxPayload: MAX_FRAME_BYTES,
      followRedirects: false,
      ...(policy.allowPrivateAddresses ? {} : { lookup: guardedLookup }),
    });
    this.socket = socket;
    this.chain = Promise.resolve();
    let refusal: string | null = null;
    let refusedWith: AdapterError | null = null;

    socket.on('unexpected-response', (request, response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        if (chunks.length < 16) chunks.push(chunk);
      });
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').slice(0, 500);
        refusal = `HTTP ${response.statusCode ?? 0}: ${body}`;
        refusedWith = pddHandshakeRefusal(response.statusCode ?? 0, body);
        request.destroy();
        socket.terminate();
      });
    });
    socket.on('open', () => {
      this.lastHeardAt = this.now();
      this.options.onState?.('open', null);
      this.options.onAccepted?.();
      this.startHeartbeat(socket);
    });
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      this.lastHeardAt = this.now();
      this.attempt = 0;
      if (isBinary) return;
      this.onFrame(socket, rawText(data));
    });
    socket.on('error', (error) => {
      refusal ??= error.message;
    });
    socket.on('close', (code, reason) => {
      if (this.socket === socket) this.socket = null;
      this.stopHeartbeat();
      if (this.stopped) return;
      const detail = refusal ?? `closed ${code}${reason.length > 0 ? ` ${reason.toString('utf8')}` : ''}`;
      this.options.onState?.(refusedWith ? 'refused' : 'closed', detail);
      if (refusedWith) this.options.onRefused?.(refusedWith);
      this.scheduleReconnect();
    });
  }

  private onFrame(socket: WebSocket, text: string): void {
    const frame = parsePddFrame(text);
    if (frame.commandType === 'Fail') {
      this.options.onState?.('open', `the message service reported: ${frame.reason}`);
      return;
    }
    if (frame.commandType !== 'Common') return;
    const message = frame.message;
    this.chain = this.chain.then(async () => {
      let answer: string;
      try {
        await this.options.onMessage(message);
        answer = pddAckFrame(message, this.now());
      } catch (error) {
        answer = pddAckFrame(message, this.now(), (error as Error).message || 'not stored');
      }
      if (socket.readyState === WebSocket.OPEN) socket.send(answer);
    });
  }

  private startHeartbeat(socket: WebSocket): void {
    this.stopHeartbeat();
    const interval = this.options.heartbeatIntervalMs ?? PDD_HEARTBEAT_INTERVAL_MS;
    const silence = this.options.serverSilenceTimeoutMs ?? PDD_SERVER_SILENCE_TIMEOUT_MS;
    const beat = (): void => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (this.now() - this.lastHeardAt > silence) {
        socket.terminate();
        return;
      }
      socket.send(pddHeartbeatFrame(this.now()));
    };
    beat();
    this.heartbeatTimer = setInterval(beat, interval);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = reconnectDelay(this.attempt, this.options.backoff ?? PDD_RECONNECT_BACKOFF, this.random);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  private clearTimers(): void {
    this.stopHeartbeat();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
