import { platformMessage } from './platform-message';

describe('platformMessage', () => {
  it("finds the platform's own sentence in its answer", () => {
    const taobao = {
      succ: true,
      message: '操作成功',
      results: { refund_mapping_result: [{ succ: true, message: '操作成功', refund_id: '1' }] },
    };
    expect(platformMessage(taobao)).toBe('操作成功');
    expect(
      platformMessage({
        error_response: { code: 15, msg: 'Remote service error', sub_msg: '退款状态不正确' },
      }),
    ).toBe('退款状态不正确');
    expect(
      platformMessage({ data: { returnApproveRequest: { userErrors: [{ message: 'Return not found' }] } } }),
    ).toBe('Return not found');
  });

  it('has nothing to say for answers without one', () => {
    expect(platformMessage({ code: 0, data: { id: 5 } })).toBeNull();
    expect(platformMessage(null)).toBeNull();
    expect(platformMessage('OK')).toBeNull();
  });
});
