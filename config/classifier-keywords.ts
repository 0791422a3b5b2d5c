import type { TicketCategory } from '../adapters/contract';

/**
 * Words in the buyer's text that point to a category, Chinese and English. Latin words match whole words,
 * case-insensitively; Chinese words match anywhere. When several categories match, the one with the most
 * distinct hits wins, ties going to the category listed first.
 */
export const CATEGORY_KEYWORDS: Readonly<Record<Exclude<TicketCategory, 'other'>, readonly string[]>> = {
  quality: [
    '破损',
    '质量',
    '坏',
    '瑕疵',
    '次品',
    '裂',
    '故障',
    '不能用',
    '假货',
    '变形',
    'defective',
    'broken',
    'damaged',
    'faulty',
    'cracked',
    'stopped working',
    'poor quality',
    'counterfeit',
  ],
  logistics: [
    '物流',
    '快递',
    '没收到',
    '未收到',
    '配送',
    '运单',
    '丢件',
    '漏发',
    '发错',
    'not received',
    'never arrived',
    'tracking',
    'delivery',
    'shipping',
    'courier',
    'lost parcel',
  ],
  payment: [
    '扣款',
    '支付',
    '付款',
    '重复扣',
    '多扣',
    'charged twice',
    'double charged',
    'payment',
    'billing',
    'overcharged',
  ],
  account: ['账号', '账户', '被盗', '登录', '密码', 'account', 'hacked', 'login', 'password'],
  service: ['态度', '客服', '不理人', '不回复', 'rude', 'unhelpful', 'customer service', 'no reply'],
};

/** Threats to take the case outside the marketplace: any of these makes a ticket critical. */
export const ESCALATION_KEYWORDS: readonly string[] = [
  '12315',
  '投诉到',
  '媒体',
  '曝光',
  '律师',
  '起诉',
  '消协',
  '工商局',
  'lawyer',
  'attorney',
  'lawsuit',
  'chargeback',
  'fraud',
  'legal action',
];
