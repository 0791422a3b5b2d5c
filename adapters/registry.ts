import type { MarketplaceAdapter } from './contract';
import { DouyinAdapter } from './douyin/douyin.adapter';
import { GenericAdapter } from './generic/generic.adapter';
import { JdAdapter } from './jd/jd.adapter';
import { PinduoduoAdapter } from './pinduoduo/pinduoduo.adapter';
import { ShopifyAdapter } from './shopify/shopify.adapter';
import { TaobaoAdapter } from './taobao/taobao.adapter';
import { WoocommerceAdapter } from './woocommerce/woocommerce.adapter';

/** The only place that knows which adapter serves which platform. */
export function createAdapters(): MarketplaceAdapter[] {
  return [
    new GenericAdapter(),
    new ShopifyAdapter(),
    new TaobaoAdapter(),
    new JdAdapter(),
    new PinduoduoAdapter(),
    new DouyinAdapter(),
    new WoocommerceAdapter(),
  ];
}
