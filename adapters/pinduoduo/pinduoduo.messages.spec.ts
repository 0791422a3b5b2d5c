import {
  parsePddFrame,
  pddAckFrame,
  pddHeartbeatFrame,
  pddMessageEvent,
  pddMessageServiceBase,
  pddMessageUrl,
  signPddMessageUrl,
  type PddPushedMessage,
} from './pinduoduo.messages';

/** A frame as the service sends it: ids beyond 2^53, content a JSON string (shared reference §4.3 sample). */
const FRAME =
  '{"id":6123456789012345678,"commandType":"Common","time":1625637425100,"sendTime":1625637425016,' +
  '"message":{"type":"pdd_refund_RefundCreated","mallID":171504183,"content":"{\\"mall_id\\":171504183,' +
  '\\"refund_fee\\":1990,\\"bill_type\\":1,\\"modified\\":1625637425016,\\"refund_id\\":7381745730123456789,' +
  '\\"operation\\":1000,\\"tid\\":\\"210707-339507978993455\\"}"}}';

describe('Pinduoduo message service protocol', () => {
  it('signs the URL with base64 of the lower-case hex MD5, not of the digest bytes (DigestUtil.md5Base64Sign32)', () => {
    // md5("pdd-client-1" + "1700000000000" + "pdd-secret") = ac384bd2de5596b5b16dca7048821b41
    expect(signPddMessageUrl('pdd-client-1', 1700000000000, 'pdd-secret')).toBe(
      'YWMzODRiZDJkZTU1OTZiNWIxNmRjYTcwNDg4MjFiNDE=',
    );
    expect(
      pddMessageUrl('wss://message-api.pinduoduo.com', 'pdd-client-1', 'pdd-secret', 1700000000000),
    ).toBe(
      'wss://message-api.pinduoduo.com/message/pdd-client-1/1700000000000/YWMzODRiZDJkZTU1OTZiNWIxNmRjYTcwNDg4MjFiNDE%3D',
    );
  });

  it('finds the message service of production and of any other gateway', () => {
    expect(pddMessageServiceBase('https://gw-api.pinduoduo.com/api/router')).toBe(
      'wss://message-api.pinduoduo.com',
    );
    expect(pddMessageServiceBase('http://127.0.0.1:4100/api/router')).toBe('ws://127.0.0.1:4100');
  });

  it('reads a Common frame losslessly and acknowledges it with its id, sendTime, type and mallID', () => {
    const frame = parsePddFrame(FRAME);
    expect(frame.commandType).toBe('Common');
    const message = (frame as { message: PddPushedMessage }).message;
    expect(message).toMatchObject({
      id: '6123456789012345678',
      sendTime: '1625637425016',
      type: 'pdd_refund_RefundCreated',
      mallId: '171504183',
    });
    expect(pddAckFrame(message, 1625637426000)).toBe(
      '{"id":6123456789012345678,"commandType":"Ack","time":1625637426000,"sendTime":1625637425016,' +
        '"type":"pdd_refund_RefundCreated","mallID":171504183}',
    );
    const fail = JSON.parse(pddAckFrame(message, 1, 'x'.repeat(2000))) as Record<string, unknown>;
    expect(fail.commandType).toBe('Fail');
    expect((fail.failReason as string).length).toBe(1000);
  });

  it('keys a stored message by what it says, so a redelivery under a new id is the same event', () => {
    const message = (parsePddFrame(FRAME) as { message: PddPushedMessage }).message;
    const event = pddMessageEvent(message);
    expect(event).toMatchObject({
      dedupeKey: 'pdd_refund_RefundCreated:7381745730123456789:1625637425016',
      eventType: 'pdd_refund_RefundCreated',
      externalId: '7381745730123456789',
    });
    expect(pddMessageEvent({ ...message, id: '1' }).dedupeKey).toBe(event.dedupeKey);
    expect(JSON.parse(event.payload)).toEqual({
      type: 'pdd_refund_RefundCreated',
      mallID: '171504183',
      content: message.content,
    });
  });

  it('tells heartbeats, failures and noise apart without throwing', () => {
    expect(JSON.parse(pddHeartbeatFrame(5))).toEqual({ id: 5, commandType: 'HeartBeat', time: 5 });
    expect(parsePddFrame('{"commandType":"HeartBeat","time":1}')).toEqual({
      commandType: 'HeartBeat',
      time: '1',
    });
    expect(parsePddFrame('{"commandType":"Fail","message":{"content":"sign error"}}')).toEqual({
      commandType: 'Fail',
      reason: 'sign error',
    });
    expect(parsePddFrame('not json').commandType).toBe('other');
    expect(parsePddFrame('{"commandType":"Common","message":{}}').commandType).toBe('other');
  });
});
