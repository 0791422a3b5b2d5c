import { actionBody, EMPTY_FORM, fieldsFor, toMinor, validateAction } from './forms';

describe('decision forms', () => {
  it('approves the full amount when none is typed, and a partial one exactly', () => {
    expect(validateAction('approve_refund', EMPTY_FORM, '129.00')).toEqual({});
    expect(actionBody('approve_refund', EMPTY_FORM)).toEqual({ type: 'approve_refund' });
    const partial = { ...EMPTY_FORM, amount: ' 64.5 ' };
    expect(validateAction('approve_refund', partial, '129.00')).toEqual({});
    expect(actionBody('approve_refund', partial)).toEqual({ type: 'approve_refund', amount: '64.5' });
  });

  it('refuses amounts that are malformed, zero or above the request', () => {
    expect(validateAction('approve_refund', { ...EMPTY_FORM, amount: '12,50' }, '129.00').amount).toBe(
      'amountFormat',
    );
    expect(validateAction('approve_refund', { ...EMPTY_FORM, amount: '0.00' }, '129.00').amount).toBe(
      'amountZero',
    );
    expect(validateAction('approve_refund', { ...EMPTY_FORM, amount: '129.01' }, '129.00').amount).toBe(
      'amountAboveRequested',
    );
    expect(validateAction('approve_refund', { ...EMPTY_FORM, amount: '129' }, '129.00')).toEqual({});
  });

  it('compares money in minor units, not floats', () => {
    expect(toMinor('0.1') + toMinor('0.2')).toBe(toMinor('0.3'));
    expect(toMinor('999999999999.99')).toBe(99999999999999n);
  });

  it('needs a reason to refuse, and sends the reason code only when given', () => {
    expect(validateAction('refuse_refund', EMPTY_FORM, null).reason).toBe('required');
    const form = { ...EMPTY_FORM, reason: '商品已使用，不符合退款条件' };
    expect(actionBody('refuse_refund', form)).toEqual({ type: 'refuse_refund', reason: form.reason });
    expect(actionBody('refuse_return', { ...form, reasonCode: '7' })).toEqual({
      type: 'refuse_return',
      reason: form.reason,
      reasonCode: '7',
    });
  });

  it("approves a return to the platform's default address, or to a typed one that is complete", () => {
    expect(actionBody('approve_return', EMPTY_FORM)).toEqual({ type: 'approve_return' });
    const typed = { ...EMPTY_FORM, addressMode: 'address' as const };
    expect(validateAction('approve_return', typed, null)).toEqual({
      name: 'required',
      phone: 'required',
      address: 'required',
    });
    const complete = {
      ...typed,
      name: '王仓管',
      phone: '0571-8888 1234',
      address: '余杭区仓前街道 1 号',
      externalAddressId: 'A-9',
    };
    expect(validateAction('approve_return', complete, null)).toEqual({});
    expect(actionBody('approve_return', complete)).toEqual({
      type: 'approve_return',
      returnAddress: {
        name: '王仓管',
        phone: '0571-8888 1234',
        address: '余杭区仓前街道 1 号',
        externalAddressId: 'A-9',
      },
    });
    expect(validateAction('approve_return', { ...complete, phone: 'call me' }, null).phone).toBe(
      'phoneFormat',
    );
  });

  it('shows each decision only its own fields', () => {
    expect(fieldsFor('confirm_return_received')).toEqual([]);
    expect(fieldsFor('send_message')).toEqual(['text']);
    expect(validateAction('send_message', { ...EMPTY_FORM, text: ' ' }, null).text).toBe('required');
  });
});
