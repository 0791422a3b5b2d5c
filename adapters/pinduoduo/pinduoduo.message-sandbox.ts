import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { LosslessNumber } from 'lossless-json';
import WebSocket, { WebSocketServer } from 'ws';
import { bigId } from '../shared/sandbox-server';
import { idString, parseLosslessJson, stringifyLosslessJson } from '../shared/lossless-json';
import { safeEqual } from '../shared/signing';
import {
  PDD_CLIENT_ID_ERROR_CODE,
  PDD_PUBLIC_PARAMETER_ERROR_CODE,
  PDD_SIGNATURE_ERROR_CODE,
} from './pinduoduo.errors';
import { PDD_MESSAGE_UNCONFIRMED, signPddMessageUrl } from './pinduoduo.messages';

interface PendingMessage {
  id: string;
  sendTime: number;
  type: string;
  mallId: string;
  content: string;
}

export interface PddMessageServiceLog {
  /** Sockets accepted, in order. */
  connections: number;
  /** Handshakes refused, with the gateway code each was refused with. */
  refusals: { code: number; reason: string }[];
  heartbeats: number;
  /** Ids acknowledged, in order. */
  acks: string[];
  /** Ids answered with Fail, with the client's reason. */
  fails: { id: string; reason: string }[];
  /** Acks that named no pending message, or named it with another type or mall. */
  strayAcks: string[];
  /** Frames sent with a message (a redelivery sends the same id again). */
  deliveries: string[];
}

export interface PddMessageServiceOptions {
  clientId: string;
  clientSecret: string;
  /** How often the service sends its own heartbeat. */
  serverHeartbeatMs: number;
  /** A client that has not sent a heartbeat for this long is disconnected. */
  clientSilenceTimeoutMs: number;
}

function refuse(socket: Socket, code: number, message: string): void {
  const body = JSON.stringify({ error_response: { error_code: code, error_msg: message } });
  socket.end(
    `HTTP/1.1 ${PDD_MESSAGE_UNCONFIRMED.handshakeRefusalStatus} Unauthorized\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}

/**
 * The message service of the sandbox app (`/message/{client_id}/{timestamp ms}/{sign}` on the sandbox's port):
 * the sign and timestamp are checked as the platform does, messages of every mall of the app are delivered to
 * the app's socket, each stays pending until the client acknowledges it with its id, type and mallID, and
 * everything pending is delivered again on the next connection. The client must send heartbeats.
 */
export class PddMessageService {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly pending = new Map<string, PendingMessage>();
  private readonly sockets = new Set<WebSocket>();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly log: PddMessageServiceLog = {
    connections: 0,
    refusals: [],
    heartbeats: 0,
    acks: [],
    fails: [],
    strayAcks: [],
    deliveries: [],
  };
  duplicateRatio = 0;

  constructor(private readonly options: PddMessageServiceOptions) {}

  /** The HTTP server's upgrade handler. */
  upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const match = /^\/message\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
    if (!match) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const [clientId, timestamp, sign] = match.slice(1).map((part) => decodeURIComponent(part));
    const refusal = this.checkHandshake(clientId, timestamp, sign);
    if (refusal) {
      this.log.refusals.push(refusal);
      refuse(socket, refusal.code, refusal.reason);
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
  }

  private checkHandshake(
    clientId: string,
    timestamp: string,
    sign: string,
  ): { code: number; reason: string } | null {
    if (clientId !== this.options.clientId) {
      return { code: PDD_CLIENT_ID_ERROR_CODE, reason: 'client下线或者clientId不正确' };
    }
    if (!/^\d{13}$/.test(timestamp)) {
      return { code: PDD_PUBLIC_PARAMETER_ERROR_CODE, reason: '公共参数错误:timestamp' };
    }
    if (Math.abs(Number(timestamp) - Date.now()) > PDD_MESSAGE_UNCONFIRMED.timestampToleranceMs) {
      return { code: PDD_PUBLIC_PARAMETER_ERROR_CODE, reason: '公共参数错误:timestamp' };
    }
    const expected = signPddMessageUrl(clientId, Number(timestamp), this.options.clientSecret);
    if (!safeEqual(sign, expected)) return { code: PDD_SIGNATURE_ERROR_CODE, reason: '签名sign校验失败' };
    return null;
  }

  private accept(ws: WebSocket): void {
    this.log.connections += 1;
    this.sockets.add(ws);
    let lastHeartbeat = Date.now();
    ws.on('message', (data: WebSocket.RawData) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
      if (this.onClientFrame(text)) lastHeartbeat = Date.now();
    });
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => ws.terminate());
    const watch = setInterval(
      () => {
        if (Date.now() - lastHeartbeat > this.options.clientSilenceTimeoutMs)
          ws.close(1001, 'heartbeat timeout');
      },
      Math.max(50, Math.floor(this.options.clientSilenceTimeoutMs / 4)),
    );
    watch.unref();
    ws.on('close', () => clearInterval(watch));
    this.startHeartbeats();
    if (PDD_MESSAGE_UNCONFIRMED.redeliversUnacked) {
      for (const message of this.pending.values()) this.send(ws, message);
    }
  }

  /** Reads a client frame; true when it was a heartbeat. */
  private onClientFrame(text: string): boolean {
    let body: Record<string, unknown>;
    try {
      body = parseLosslessJson(text) as Record<string, unknown>;
    } catch {
      return false;
    }
    if (typeof body !== 'object' || body === null) return false;
    if (body.commandType === 'HeartBeat') {
      this.log.heartbeats += 1;
      return true;
    }
    const id = idString(body.id) ?? '';
    const pending = this.pending.get(id);
    const matches =
      pending !== undefined && body.type === pending.type && idString(body.mallID) === pending.mallId;
    if (body.commandType === 'Ack') {
      if (!matches) {
        this.log.strayAcks.push(id);
        return false;
      }
      this.pending.delete(id);
      this.log.acks.push(id);
    } else if (body.commandType === 'Fail') {
      this.log.fails.push({ id, reason: typeof body.failReason === 'string' ? body.failReason : '' });
    }
    return false;
  }

  /** Queues a message of one mall and delivers it to the app's socket, if one is open. */
  publish(mallId: string, type: string, content: Record<string, unknown>): string {
    const message: PendingMessage = {
      id: bigId('6'),
      sendTime: Date.now(),
      type,
      mallId,
      content: stringifyLosslessJson(content),
    };
    this.pending.set(message.id, message);
    const socket = [...this.sockets].reverse().find((ws) => ws.readyState === WebSocket.OPEN);
    if (socket) {
      this.send(socket, message);
      if (Math.random() < this.duplicateRatio) this.send(socket, message);
    }
    return message.id;
  }

  private send(ws: WebSocket, message: PendingMessage): void {
    this.log.deliveries.push(message.id);
    ws.send(
      stringifyLosslessJson({
        id: new LosslessNumber(message.id),
        commandType: 'Common',
        time: Date.now(),
        sendTime: message.sendTime,
        message: { type: message.type, mallID: new LosslessNumber(message.mallId), content: message.content },
      }),
    );
  }

  private startHeartbeats(): void {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => {
      const frame = JSON.stringify({ commandType: 'HeartBeat', time: Date.now() });
      for (const ws of this.sockets) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    }, this.options.serverHeartbeatMs);
    this.heartbeatTimer.unref();
  }

  /** Cuts every socket without a close frame, as a network failure would. */
  /** The app's secret after a reset in the console: later handshakes are checked against it. */
  setClientSecret(secret: string): void {
    this.options.clientSecret = secret;
  }

  dropSockets(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
  }

  /** Closes every socket (the sandbox is stopping); pending messages are kept for the next connection. */
  close(): void {
    for (const ws of this.sockets) ws.close(1001, 'service restarting');
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  pendingIds(): string[] {
    return [...this.pending.keys()];
  }

  openSockets(): number {
    return [...this.sockets].filter((ws) => ws.readyState === WebSocket.OPEN).length;
  }

  messageLog(): PddMessageServiceLog {
    return {
      ...this.log,
      refusals: [...this.log.refusals],
      acks: [...this.log.acks],
      fails: [...this.log.fails],
      strayAcks: [...this.log.strayAcks],
      deliveries: [...this.log.deliveries],
    };
  }
}
