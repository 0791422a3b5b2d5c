import type { AdapterContext, NormalizedCase } from '../contract';
import { fromUnixSeconds } from '../shared/china-time';
import { idString } from '../shared/lossless-json';
import { DouyinClient } from './douyin.client';
import {
  DOUYIN_PATHS,
  type DouyinDetailData,
  type DouyinListItem,
  type DouyinOrderDetailData,
} from './douyin.types';

/** The sub-orders (sku orders) an after-sales case is about, from the list row or the detail it was mapped from. */
export function douyinSkuOrderIds(item: NormalizedCase): string[] {
  const raw = (item.raw ?? {}) as Partial<DouyinListItem> & Partial<DouyinDetailData>;
  const orderInfo = (raw.order_info ?? {}) as NonNullable<DouyinListItem['order_info']> &
    NonNullable<DouyinDetailData['order_info']>;
  const ids = [
    ...(orderInfo.related_order_info ?? []).map((line) => idString(line.sku_order_id)),
    ...(orderInfo.sku_order_infos ?? []).map((line) => idString(line.sku_order_id)),
  ];
  return [...new Set(ids.filter((id): id is string => !!id))].sort();
}

/** One read per shop order and the sub-orders the case is about. */
export function douyinDeliveryKey(item: NormalizedCase): string | null {
  return item.externalOrderId ? `${item.externalOrderId}:${douyinSkuOrderIds(item).join(',')}` : null;
}

/**
 * When the goods of a requested case reached the buyer: after-sales records carry no such time, so the shop order
 * is read once (`/order/orderDetail`, shop_order_id) and the case's sub-orders give theirs: the carrier's
 * `logistics_receipt_time` (物流收货时间), or where it is 0 the buyer's `confirm_receipt_time` (用户确认收货时间).
 * The latest of the case's sub-orders counts (all of the order's when the case names none); 0 everywhere means
 * not delivered yet.
 */
export async function douyinReceivedAt(ctx: AdapterContext, item: NormalizedCase): Promise<Date | null> {
  if (!item.externalOrderId || !/^\d+$/.test(item.externalOrderId)) return null;
  const data = await new DouyinClient(ctx).call<DouyinOrderDetailData>(DOUYIN_PATHS.orderDetail, {
    shop_order_id: item.externalOrderId,
  });
  const wanted = new Set(douyinSkuOrderIds(item));
  const lines = data.shop_order_detail?.sku_order_list ?? [];
  const concerned = lines.filter((line) => wanted.has(idString(line.order_id) ?? ''));
  let latest = 0;
  for (const line of concerned.length > 0 ? concerned : lines) {
    const at = Number(line.logistics_receipt_time) || Number(line.confirm_receipt_time) || 0;
    if (at > latest) latest = at;
  }
  return latest > 0 ? fromUnixSeconds(latest) : null;
}
