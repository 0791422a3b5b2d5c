import type { TicketStage } from '../../adapters/contract';
import { DOUYIN_STATUS_STAGES } from '../../adapters/douyin/douyin.mapper';
import { JD_REFUND_APPLY_STAGES, JD_SERVICE_STATUS_STAGES } from '../../adapters/jd/jd.mapper';
import { PDD_STATUS_STAGES } from '../../adapters/pinduoduo/pinduoduo.mapper';
import { SHOPIFY_RETURN_STATUS_STAGE } from '../../adapters/shopify/shopify.mapper';
import { TOP_STATUS_STAGES } from '../../adapters/taobao/taobao.mapper';
import { WOO_ORDER_STATUS_STAGE } from '../../adapters/woocommerce/woocommerce.mapper';
import { statusForStage } from './stage-status';
import { TICKET_STATUSES, type TicketStatus } from './ticket-vocabulary';

/** Every platform status, through its adapter's stage table, to the status a new ticket takes. */
const EXPECTED: Record<
  string,
  [Readonly<Record<string | number, TicketStage>>, Record<string, TicketStatus>]
> = {
  taobao: [
    TOP_STATUS_STAGES,
    {
      WAIT_SELLER_AGREE: 'new',
      WAIT_BUYER_RETURN_GOODS: 'pending',
      WAIT_SELLER_CONFIRM_GOODS: 'new',
      SELLER_REFUSE_BUYER: 'solved',
      CLOSED: 'solved',
      SUCCESS: 'solved',
      WAIT_BUYER_CONFIRM_EXCHANGE_SELLER_SEND_GOODS: 'pending',
      EXCHANGE_TRANSFORM_TO_REFUND: 'new',
      WAIT_SELLER_CONSIGN_GOODS: 'new',
    },
  ],
  pinduoduo: [
    PDD_STATUS_STAGES,
    {
      0: 'solved',
      2: 'new',
      3: 'new',
      4: 'pending',
      5: 'pending',
      6: 'solved',
      7: 'pending',
      8: 'new',
      9: 'solved',
      10: 'solved',
      11: 'solved',
      12: 'solved',
      13: 'solved',
      14: 'new',
    },
  ],
  douyin: [
    DOUYIN_STATUS_STAGES,
    {
      3: 'pending',
      6: 'new',
      7: 'pending',
      8: 'new',
      11: 'new',
      12: 'solved',
      13: 'pending',
      14: 'solved',
      27: 'solved',
      28: 'solved',
      29: 'solved',
      51: 'solved',
      53: 'solved',
    },
  ],
  'jd service orders': [
    JD_SERVICE_STATUS_STAGES,
    {
      10000: 'new',
      10001: 'new',
      10002: 'new',
      10012: 'new',
      10013: 'new',
      10004: 'solved',
      10005: 'pending',
      10006: 'new',
      10007: 'new',
      10009: 'new',
      1100: 'new',
      12000: 'new',
      14000: 'new',
      13000: 'new',
      10041: 'pending',
      10010: 'solved',
      10011: 'solved',
    },
  ],
  'jd refund applications': [
    JD_REFUND_APPLY_STAGES,
    {
      0: 'new',
      1: 'pending',
      2: 'solved',
      3: 'solved',
      4: 'solved',
      5: 'pending',
      6: 'solved',
      7: 'pending',
      8: 'new',
      9: 'solved',
      10: 'pending',
      11: 'solved',
      16: 'solved',
      17: 'pending',
      18: 'solved',
      19: 'new',
      27: 'pending',
    },
  ],
  shopify: [
    SHOPIFY_RETURN_STATUS_STAGE,
    { REQUESTED: 'new', OPEN: 'pending', CLOSED: 'solved', DECLINED: 'solved', CANCELED: 'solved' },
  ],
  woocommerce: [
    WOO_ORDER_STATUS_STAGE,
    {
      refunded: 'solved',
      cancelled: 'solved',
      failed: 'solved',
      completed: 'solved',
      processing: 'solved',
      'on-hold': 'solved',
      pending: 'solved',
    },
  ],
};

describe('statusForStage', () => {
  describe.each(Object.entries(EXPECTED))('%s', (_platform, [stages, expected]) => {
    it('gives every status the adapter knows a workflow status', () => {
      for (const stage of Object.values(stages)) {
        expect(TICKET_STATUSES).toContain(statusForStage(stage, 'new'));
      }
    });

    it.each(Object.entries(expected))('%s → %s for a new ticket', (platformStatus, status) => {
      expect(stages[platformStatus]).toBeDefined();
      expect(statusForStage(stages[platformStatus], 'new')).toBe(status);
    });
  });

  it('reopens a solved, closed or pending ticket when the seller has to act again', () => {
    expect(statusForStage('requested', 'solved')).toBe('open');
    expect(statusForStage('requested', 'closed')).toBe('open');
    expect(statusForStage('return_shipped', 'pending')).toBe('open');
    expect(statusForStage('arbitration', 'solved')).toBe('open');
  });

  it('leaves a ticket being worked on as it is while the seller has to act', () => {
    expect(statusForStage('requested', 'open')).toBe('open');
    expect(statusForStage('return_received', 'new')).toBe('new');
  });

  it('keeps a closed ticket closed when its case finishes again', () => {
    expect(statusForStage('refunded', 'closed')).toBe('closed');
    expect(statusForStage('refunded', 'open')).toBe('solved');
  });

  it('waits on the buyer from any status', () => {
    expect(statusForStage('awaiting_return', 'open')).toBe('pending');
    expect(statusForStage('awaiting_return', 'solved')).toBe('pending');
  });
});
