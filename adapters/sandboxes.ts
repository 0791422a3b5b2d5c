import type { MarketplaceSandbox } from './contract';
import { DouyinSandbox } from './douyin/douyin.sandbox';
import { GenericSandbox } from './generic/generic.sandbox';
import { JdSandbox } from './jd/jd.sandbox';
import { PinduoduoSandbox } from './pinduoduo/pinduoduo.sandbox';
import { ShopifySandbox } from './shopify/shopify.sandbox';
import { TaobaoSandbox } from './taobao/taobao.sandbox';
import { WoocommerceSandbox } from './woocommerce/woocommerce.sandbox';

/** Every adapter's sandbox, for the demo and the end-to-end specs. */
export function createSandboxes(): MarketplaceSandbox[] {
  return [
    new GenericSandbox(),
    new ShopifySandbox(),
    new TaobaoSandbox(),
    new JdSandbox(),
    new PinduoduoSandbox(),
    new DouyinSandbox(),
    new WoocommerceSandbox(),
  ];
}
