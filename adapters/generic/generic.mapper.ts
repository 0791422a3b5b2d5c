import {
  AdapterError,
  AdapterErrorCode,
  TICKET_KINDS,
  TICKET_STAGES,
  type MinorMoney,
  type NormalizedCase,
  type TicketKind,
  type TicketStage,
} from '../contract';
import { idString, parseLosslessJson } from '../shared/lossless-json';
import { moneyFromDecimal } from '../shared/money';
import type { GenericCaseData, GenericMoney, GenericPushBody } from './generic.types';
import { isObject } from '../shared/guards';

function invalid(message: string): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, message);
}

function requireDate(value: unknown, field: string): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw invalid(`data.${field} must be an ISO 8601 date-time`);
  return date;
}

function optionalMoney(value: GenericMoney | null | undefined, field: string): MinorMoney | null {
  if (value === null || value === undefined) return null;
  if (!isObject(value) || typeof value.currency !== 'string' || !/^[A-Z]{3}$/.test(value.currency)) {
    throw invalid(`data.${field} must be { amount: "129.00", currency: "CNY" }`);
  }
  let money: MinorMoney;
  try {
    money = moneyFromDecimal(String(value.amount), value.currency);
  } catch (error) {
    throw invalid(`data.${field}.amount: ${(error as Error).message}`);
  }
  if (money.amountMinor < 0) throw invalid(`data.${field}.amount must not be negative`);
  return money;
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, field: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(`data.${field} must be one of ${allowed.join(', ')}`);
}

/** The generic payload is already canonical: this only checks it and converts money and dates. */
export function mapGenericCase(data: GenericCaseData): NormalizedCase {
  const externalId = idString(data.externalId);
  if (!externalId) throw invalid('data.externalId is required');
  const items = Array.isArray(data.items) ? data.items : [];
  return {
    externalId,
    externalOrderId: idString(data.externalOrderId),
    kind: oneOf<TicketKind>(TICKET_KINDS, data.kind, 'kind'),
    stage: oneOf<TicketStage>(TICKET_STAGES, data.stage, 'stage'),
    reason: typeof data.reason === 'string' ? data.reason : null,
    reasonCode: data.reasonCode === null || data.reasonCode === undefined ? null : String(data.reasonCode),
    category: null,
    requestedAmount: optionalMoney(data.requestedAmount, 'requestedAmount'),
    refundedAmount: optionalMoney(data.refundedAmount, 'refundedAmount'),
    buyer: isObject(data.buyer)
      ? {
          externalId: idString(data.buyer.externalId),
          displayName: typeof data.buyer.displayName === 'string' ? data.buyer.displayName : null,
          vip: data.buyer.vip === true,
        }
      : null,
    items: items.map((item, index) => {
      if (!isObject(item) || typeof item.title !== 'string' || !Number.isInteger(item.quantity)) {
        throw invalid(`data.items[${index}] needs a title and an integer quantity`);
      }
      return {
        sku: item.sku === null || item.sku === undefined ? null : String(item.sku),
        title: item.title,
        quantity: item.quantity,
        unitPrice: optionalMoney(item.unitPrice, `items[${index}].unitPrice`),
      };
    }),
    evidence: Array.isArray(data.evidence) ? data.evidence.filter((url) => typeof url === 'string') : [],
    platformDeadlineAt: data.platformDeadlineAt
      ? requireDate(data.platformDeadlineAt, 'platformDeadlineAt')
      : null,
    deliveredAt: data.deliveredAt ? requireDate(data.deliveredAt, 'deliveredAt') : null,
    externalCreatedAt: requireDate(data.externalCreatedAt, 'externalCreatedAt'),
    externalUpdatedAt: requireDate(data.externalUpdatedAt, 'externalUpdatedAt'),
    platformVersion: null,
    raw: data,
  };
}

export function parseGenericPush(text: string): GenericPushBody {
  let body: unknown;
  try {
    body = parseLosslessJson(text);
  } catch {
    throw invalid('the body is not JSON');
  }
  if (!isObject(body) || body.type !== 'case.upserted' || !isObject(body.data)) {
    throw invalid('the body must be { "type": "case.upserted", "data": { … } }');
  }
  return body as unknown as GenericPushBody;
}
