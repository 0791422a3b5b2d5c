export const PLATFORMS = [
  'generic',
  'shopify',
  'taobao',
  'jd',
  'pinduoduo',
  'douyin',
  'woocommerce',
] as const;

export type Platform = (typeof PLATFORMS)[number];
