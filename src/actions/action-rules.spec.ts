import { DECISION_KEYS, decisionTookEffect } from './action-rules';

describe('action rules', () => {
  it('treats approving and refusing a refund as the same decision', () => {
    expect(DECISION_KEYS.approve_refund).toBe(DECISION_KEYS.refuse_refund);
    expect(DECISION_KEYS.approve_return).toBe(DECISION_KEYS.refuse_return);
    expect(DECISION_KEYS.send_message).toBeNull();
  });

  it('tells from the stage whether a decision already took effect upstream', () => {
    expect(decisionTookEffect('approve_refund', 'refunded')).toBe(true);
    expect(decisionTookEffect('approve_refund', 'requested')).toBe(false);
    expect(decisionTookEffect('approve_return', 'awaiting_return')).toBe(true);
    expect(decisionTookEffect('refuse_refund', 'refused')).toBe(true);
    expect(decisionTookEffect('send_message', 'refunded')).toBe(false);
  });
});
