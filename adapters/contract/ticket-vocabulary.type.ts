/** The normalised vocabulary every adapter maps its platform's statuses, types and reasons onto. */
export const TICKET_KINDS = [
  'refund_only',
  'return_refund',
  'exchange',
  'reissue',
  'repair',
  'complaint',
  'inquiry',
] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

export const TICKET_STAGES = [
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
export type TicketStage = (typeof TICKET_STAGES)[number];

export const TICKET_CATEGORIES = ['quality', 'logistics', 'service', 'payment', 'account', 'other'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

export const ACTION_TYPES = [
  'approve_refund',
  'refuse_refund',
  'approve_return',
  'refuse_return',
  'confirm_return_received',
  'send_message',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
