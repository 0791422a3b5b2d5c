/** Realistic after-sales material for the sandboxes: Chinese and English reasons, SKUs, buyers, amounts. */
export interface GeneratedReason {
  text: string;
  code: string;
  kind: 'refund_only' | 'return_refund' | 'exchange' | 'complaint';
}

export const SAMPLE_REASONS: readonly GeneratedReason[] = [
  { text: '收到的杯子有破损，外包装也压坏了', code: 'damaged', kind: 'return_refund' },
  { text: '质量问题，用了两天就坏了', code: 'quality', kind: 'return_refund' },
  { text: '快递一直没收到，物流信息一周没更新', code: 'not_received', kind: 'refund_only' },
  { text: '物流太慢，不想要了', code: 'logistics_slow', kind: 'refund_only' },
  { text: '尺码不合适，想换大一号', code: 'size', kind: 'exchange' },
  { text: '与商品描述不符，颜色差别很大', code: 'not_as_described', kind: 'return_refund' },
  { text: '重复扣款了两次，请退回一笔', code: 'double_charge', kind: 'refund_only' },
  { text: '客服态度很差，要投诉', code: 'service', kind: 'complaint' },
  { text: '七天无理由退货', code: 'no_reason', kind: 'return_refund' },
  { text: '商品漏发了一件', code: 'missing_item', kind: 'refund_only' },
  { text: 'The blender arrived broken, the jar is cracked', code: 'damaged', kind: 'return_refund' },
  { text: 'Package never arrived, tracking stuck for 10 days', code: 'not_received', kind: 'refund_only' },
  { text: '再不处理我就打12315投诉', code: 'escalation', kind: 'complaint' },
  { text: '商家拒不退款，我已经联系律师准备起诉', code: 'escalation', kind: 'complaint' },
  { text: 'Refund me now or I will file a chargeback with my bank', code: 'escalation', kind: 'refund_only' },
];

export const SAMPLE_PRODUCTS: readonly { sku: string; title: string; priceMinor: number }[] = [
  { sku: 'CUP-330-WHT', title: '陶瓷马克杯 330ml 白色', priceMinor: 3900 },
  { sku: 'TSHIRT-L-BLK', title: '纯棉T恤 L 黑色', priceMinor: 8900 },
  { sku: 'BLENDER-600', title: '便携榨汁机 600ml', priceMinor: 12900 },
  { sku: 'EARBUDS-PRO', title: '蓝牙耳机 Pro', priceMinor: 29900 },
  { sku: 'KETTLE-1.7', title: '电热水壶 1.7L', priceMinor: 15900 },
  { sku: 'SOCKS-5PK', title: '运动袜 5双装', priceMinor: 2990 },
];

export const SAMPLE_BUYERS: readonly string[] = ['t**1', '小***子', 'j***n', '王**', 'a***8', '李*明'];

export function pick<T>(items: readonly T[], random = Math.random): T {
  return items[Math.floor(random() * items.length)];
}

export interface GeneratedLine {
  sku: string;
  title: string;
  quantity: number;
  priceMinor: number;
}

/** One to three order lines, and a requested amount that is sometimes a partial refund. */
export function generateOrder(random = Math.random): {
  lines: GeneratedLine[];
  totalMinor: number;
  requestedMinor: number;
} {
  const count = 1 + Math.floor(random() * 3);
  const lines: GeneratedLine[] = [];
  for (let i = 0; i < count; i += 1) {
    const product = pick(SAMPLE_PRODUCTS, random);
    if (lines.some((line) => line.sku === product.sku)) continue;
    lines.push({ ...product, quantity: 1 + Math.floor(random() * 2) });
  }
  const totalMinor = lines.reduce((sum, line) => sum + line.priceMinor * line.quantity, 0);
  const partial = random() < 0.25;
  const requestedMinor = partial ? Math.max(100, Math.round((totalMinor * 0.5) / 100) * 100) : totalMinor;
  return { lines, totalMinor, requestedMinor };
}
