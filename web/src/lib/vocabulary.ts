/** The hub's enums, as `GET /v1/tickets` accepts them. */
export const STATUSES = ['new', 'open', 'pending', 'solved', 'closed'] as const;
export const STAGES = [
  'requested',
  'awaiting_return',
  'return_shipped',
  'return_received',
  'refunding',
  'refunded',
  'refused',
  'exchange_shipped',
  'cancelled',
  'closed',
  'arbitration',
] as const;
export const PLATFORMS = [
  'taobao',
  'jd',
  'pinduoduo',
  'douyin',
  'shopify',
  'woocommerce',
  'generic',
] as const;
export const DEPARTMENTS = [
  'customer_care',
  'logistics',
  'quality',
  'warehouse',
  'finance',
  'complaints',
  'tech',
] as const;
export const SEVERITIES = ['low', 'normal', 'high', 'critical'] as const;
export const CATEGORIES = ['quality', 'logistics', 'service', 'payment', 'account', 'other'] as const;
export const KINDS = [
  'refund_only',
  'return_refund',
  'exchange',
  'reissue',
  'repair',
  'complaint',
  'inquiry',
] as const;
export const SLA_STATES = ['ok', 'warning', 'breached'] as const;
export const SORTS = ['-createdAt', '-updatedAt', 'slaDue', '-severity'] as const;
export const ACTION_TYPES = [
  'approve_refund',
  'refuse_refund',
  'approve_return',
  'refuse_return',
  'confirm_return_received',
  'send_message',
] as const;
