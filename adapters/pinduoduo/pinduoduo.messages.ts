import { createHash } from 'node:crypto';
import { LosslessNumber } from 'lossless-json';
import type { InboundEventDraft } from '../contract';
import { idString, parseLosslessJson, stringifyLosslessJson } from '../shared/lossless-json';
import { md5Hex } from '../shared/signing';
import { isObject } from '../shared/guards';

/**
 * Pinduoduo's message service (消息服务), as the official Java SDK speaks it (`com.pdd.pop.sdk.message`:
 * `WsClient`, `WsClientEndPoint`, `model.AckMessage`, `model.ServerMessage`, `model.HeartBeatMessage`,
 * `common.util.DigestUtil.md5Base64Sign32`; the Go SDK `bububa/openpdd` `core/client.go` and `api/pmc/message.go`
 * agree):
 * - one WebSocket per app at `{base}/message/{client_id}/{timestamp ms}/{sign}`, where sign is the base64 of the
 *   lower-case hex MD5 of `client_id + timestamp + client_secret` (base64 of the 32 hex characters, not of the
 *   16 digest bytes);
 * - the client sends `{"id","commandType":"HeartBeat","time"}` every 5 s, the server sends heartbeats back, and
 *   the client reconnects when it has heard none for 3 minutes;
 * - the server sends `{"id","commandType":"Common","time","sendTime","message":{"type","mallID","content"}}`,
 *   `content` being the event's own JSON as a string; `commandType":"Fail"` carries an error;
 * - the client answers each Common frame with `{"id","commandType":"Ack","time","sendTime","type","mallID"}` once
 *   it has handled it, or the same frame with `"commandType":"Fail"` and a `failReason` when it could not.
 */
export const PDD_MESSAGE_SERVICE_URL = 'wss://message-api.pinduoduo.com';
/** `WsClient.HEARTBEAT_DEFAULT_INTERVAL_MILLIS` in the official SDK. */
export const PDD_HEARTBEAT_INTERVAL_MS = 5_000;
/** `WsClient.HEARTBEAT_DEFAULT_TIMEOUT_MILLIS`: silence from the server after which the SDK reconnects. */
export const PDD_SERVER_SILENCE_TIMEOUT_MS = 3 * 60_000;

/**
 * [U] What the official SDKs do not show, so the hub and the sandbox agree on it here and nowhere else:
 * - `handshakeRefusalStatus`: how the service refuses a wrong client id or sign — the SDK only sees the failed
 *   upgrade; the sandbox answers the upgrade with HTTP 401 and the gateway's own codes in the body, and a
 *   refusal with that status but no readable body is taken as the credentials refused (AUTH);
 * - `timestampToleranceMs`: how far the URL's timestamp may be from the server's clock — taken to be the API
 *   gateway's documented 10 minutes;
 * - `clientSilenceTimeoutMs`: how long the service waits for a client heartbeat before it drops the socket —
 *   the SDK beats every 5 s, so a minute of silence is taken as a dead client;
 * - `redeliversUnacked`: a message that was not acknowledged (or was answered with Fail) is sent again when the
 *   app reconnects — the SDK's ACK by id implies it, nothing documents when;
 * - `refundTopics`: the after-sales topics the hub stores (`pdd_refund_*`, seen in merchants' consumers and in the
 *   shared reference §4.3); every other topic is acknowledged and dropped.
 */
export const PDD_MESSAGE_UNCONFIRMED = {
  handshakeRefusalStatus: 401,
  timestampToleranceMs: 10 * 60_000,
  clientSilenceTimeoutMs: 60_000,
  redeliversUnacked: true,
  refundTopicPrefix: 'pdd_refund_',
} as const;

export type PddCommandType = 'Common' | 'HeartBeat' | 'Ack' | 'Fail';

/** One business message as the service delivers it: ids kept as decimal strings. */
export interface PddPushedMessage {
  id: string;
  sendTime: string | null;
  type: string;
  mallId: string;
  /** The event's JSON text, as sent inside `message.content`. */
  content: string;
}

export type PddServerFrame =
  | { commandType: 'Common'; message: PddPushedMessage }
  | { commandType: 'HeartBeat'; time: string | null }
  | { commandType: 'Fail'; reason: string }
  | { commandType: 'Ack' | 'other'; raw: string };

/** The sign in the URL: base64 of the lower-case hex MD5 (DigestUtil.md5Base64Sign32). */
export function signPddMessageUrl(clientId: string, timestampMs: number, clientSecret: string): string {
  return Buffer.from(md5Hex(`${clientId}${timestampMs}${clientSecret}`), 'utf8').toString('base64');
}

/**
 * The message service of a connection: production's gateway has its own message host; any other gateway
 * (a sandbox, a proxy) serves the socket on its own origin.
 */
export function pddMessageServiceBase(apiBaseUrl: string): string {
  const gateway = new URL(apiBaseUrl);
  if (gateway.hostname.endsWith('.pinduoduo.com')) return PDD_MESSAGE_SERVICE_URL;
  return `${gateway.protocol === 'https:' ? 'wss:' : 'ws:'}//${gateway.host}`;
}

export function pddMessageUrl(
  base: string,
  clientId: string,
  clientSecret: string,
  timestampMs: number,
): string {
  const sign = signPddMessageUrl(clientId, timestampMs, clientSecret);
  return `${base.replace(/\/+$/, '')}/message/${encodeURIComponent(clientId)}/${timestampMs}/${encodeURIComponent(sign)}`;
}

/** A decimal id for the wire: a JSON number, however long (Java `Long`). */
function wireNumber(value: string | null): LosslessNumber | null {
  return value !== null && /^-?\d+$/.test(value) ? new LosslessNumber(value) : null;
}

/** Reads a frame from the service; anything unreadable is `other`, never a throw. */
export function parsePddFrame(text: string): PddServerFrame {
  let body: unknown;
  try {
    body = parseLosslessJson(text);
  } catch {
    return { commandType: 'other', raw: text };
  }
  if (!isObject(body)) return { commandType: 'other', raw: text };
  switch (body.commandType) {
    case 'HeartBeat':
      return { commandType: 'HeartBeat', time: idString(body.time) };
    case 'Fail': {
      const message = isObject(body.message) ? body.message : {};
      const reason = [message.content, body.failReason].find((part) => typeof part === 'string');
      return { commandType: 'Fail', reason: typeof reason === 'string' ? reason : text };
    }
    case 'Common': {
      const message = isObject(body.message) ? body.message : null;
      const id = idString(body.id);
      const mallId = message ? idString(message.mallID) : null;
      if (!message || !id || !mallId || typeof message.type !== 'string') {
        return { commandType: 'other', raw: text };
      }
      return {
        commandType: 'Common',
        message: {
          id,
          sendTime: idString(body.sendTime),
          type: message.type,
          mallId,
          content:
            typeof message.content === 'string' ? message.content : stringifyLosslessJson(message.content),
        },
      };
    }
    case 'Ack':
      return { commandType: 'Ack', raw: text };
    default:
      return { commandType: 'other', raw: text };
  }
}

export function pddHeartbeatFrame(nowMs: number): string {
  return JSON.stringify({ id: nowMs, commandType: 'HeartBeat', time: nowMs });
}

/** The SDK's AckMessage: the message's id, sendTime, type and mallID echoed; `Fail` adds the reason (≤ 1000 chars). */
export function pddAckFrame(message: PddPushedMessage, nowMs: number, failReason?: string): string {
  return stringifyLosslessJson({
    id: wireNumber(message.id),
    commandType: failReason === undefined ? 'Ack' : 'Fail',
    time: nowMs,
    sendTime: wireNumber(message.sendTime),
    type: message.type,
    mallID: wireNumber(message.mallId),
    ...(failReason === undefined ? {} : { failReason: failReason.slice(0, 1000) }),
  });
}

export function isPddRefundTopic(type: string): boolean {
  return type.startsWith(PDD_MESSAGE_UNCONFIRMED.refundTopicPrefix);
}

/** The ids a refund message carries in its content (`refund_id`, `tid` = order_sn, `modified` in ms). */
export interface PddRefundMessageContent {
  refundId: string | null;
  orderSn: string | null;
  modified: string | null;
}

export function readPddRefundContent(content: string): PddRefundMessageContent {
  let body: unknown;
  try {
    body = parseLosslessJson(content);
  } catch {
    return { refundId: null, orderSn: null, modified: null };
  }
  if (!isObject(body)) return { refundId: null, orderSn: null, modified: null };
  return {
    refundId: idString(body.refund_id),
    orderSn: idString(body.tid),
    modified: idString(body.modified),
  };
}

/** The event type of a stored message: its topic, e.g. `pdd_refund_RefundCreated`. */
export const PDD_MESSAGE_EVENT_PREFIX = 'pdd_';

/** What is stored for one pushed message: the message itself (type, mallID, content), keyed by its meaning. */
export interface PddStoredMessage {
  type: string;
  mallID: string;
  content: string;
}

/**
 * The inbound event of a refund message. A redelivered message may come with a new id, so the key is what it
 * says — topic, refund and modification time — not the delivery.
 */
export function pddMessageEvent(message: PddPushedMessage): InboundEventDraft {
  const { refundId, modified } = readPddRefundContent(message.content);
  const stored: PddStoredMessage = { type: message.type, mallID: message.mallId, content: message.content };
  const identity =
    refundId && modified
      ? `${refundId}:${modified}`
      : createHash('sha256').update(message.content).digest('hex').slice(0, 32);
  return {
    dedupeKey: `${message.type}:${identity}`,
    eventType: message.type,
    externalId: refundId,
    payload: JSON.stringify(stored),
  };
}

export function isPddMessageEvent(event: Pick<InboundEventDraft, 'eventType'>): boolean {
  return event.eventType.startsWith(PDD_MESSAGE_EVENT_PREFIX);
}
