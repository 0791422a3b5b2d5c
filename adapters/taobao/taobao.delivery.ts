import type { AdapterContext, NormalizedCase } from '../contract';
import { parseGmt8 } from '../shared/china-time';
import { TaobaoClient } from './taobao.client';
import { TOP_METHODS, type TopLogisticsTraceResponse, type TopRefund } from './taobao.types';

/**
 * [U] The sign-for step of `taobao.logistics.trace.search`. TOP describes `action` only as "节点说明，指明当前节点
 * 揽收、派送，签收" and publishes no list of its values, so a step counts as signed for when its action is SIGN,
 * SIGNED (alone or after a prefix such as TMS_; not CONSIGN, the seller's shipment) or says 签收, and neither it
 * nor its description says it failed or was refused (拒签, 拒收, 签收失败).
 */
export const TOP_SIGNED_ACTION = /(?:^|_)SIGN(?:ED)?$|签收/i;
export const TOP_NOT_SIGNED = /FAIL|REJECT|REFUS|拒|失败|未签收/i;

/** `order_status` values of an order the seller has not shipped: there is no parcel to sign for. */
const NOT_SHIPPED = new Set(['WAIT_BUYER_PAY', 'WAIT_SELLER_SEND_GOODS', 'TRADE_NO_CREATE_PAY']);

/**
 * The buyer's sign-for time of the order a refund belongs to: TOP refunds carry none, and neither does the trade
 * (`taobao.trade.fullinfo.get` has `consign_time`, shipped, and `end_time`, finished or closed, and its
 * `sign_time` is the latest time promised for signing, "最晚签收时间"). The carrier's trace does:
 * `taobao.logistics.trace.search` (tid) lists the steps with their `status_time`. Only the steps are read, never
 * the trace's `status`, which TOP documents as "对方已签收" from the moment an offline shipment is sent.
 */
export async function topSignedForAt(ctx: AdapterContext, item: NormalizedCase): Promise<Date | null> {
  const raw = (item.raw ?? {}) as Partial<TopRefund>;
  if (raw.order_status && NOT_SHIPPED.has(raw.order_status)) return null;
  if (!item.externalOrderId || !/^\d+$/.test(item.externalOrderId)) return null;
  const trace = await new TaobaoClient(ctx).call<TopLogisticsTraceResponse>(
    TOP_METHODS.logisticsTraceSearch,
    {
      tid: item.externalOrderId,
    },
  );
  const signed = (trace.trace_list?.transit_step_info ?? []).filter(
    (step) =>
      TOP_SIGNED_ACTION.test(step.action ?? '') &&
      !TOP_NOT_SIGNED.test(`${step.action ?? ''} ${step.status_desc ?? ''}`) &&
      step.status_time,
  );
  let latest: Date | null = null;
  for (const step of signed) {
    try {
      const at = parseGmt8(step.status_time ?? '');
      if (!latest || at > latest) latest = at;
    } catch {
      // a step without a readable time says nothing about when
    }
  }
  return latest;
}
