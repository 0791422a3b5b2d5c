import { WebhookSignatureError } from '../contract';
import { signStandardWebhook, verifyStandardWebhook } from './standard-webhooks';

// The reference vector published with the Standard Webhooks specification.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const AT = new Date(TIMESTAMP * 1000);

describe('Standard Webhooks', () => {
  it('signs the reference vector', () => {
    expect(signStandardWebhook(SECRET, ID, TIMESTAMP, BODY)).toBe(SIGNATURE);
  });

  it('accepts any one of several space-separated signatures', () => {
    const headers = { id: ID, timestamp: String(TIMESTAMP), signature: `v1,bm90IHRoaXMgb25l ${SIGNATURE}` };
    expect(verifyStandardWebhook(SECRET, headers, Buffer.from(BODY), AT)).toEqual({
      id: ID,
      timestamp: TIMESTAMP,
    });
  });

  it('rejects a changed body, a wrong secret and a missing header', () => {
    const headers = { id: ID, timestamp: String(TIMESTAMP), signature: SIGNATURE };
    expect(() => verifyStandardWebhook(SECRET, headers, Buffer.from('{"test": 2432232315}'), AT)).toThrow(
      WebhookSignatureError,
    );
    expect(() =>
      verifyStandardWebhook('whsec_AAAAAAAAAAAAAAAAAAAAAAAA', headers, Buffer.from(BODY), AT),
    ).toThrow('no signature matches');
    expect(() =>
      verifyStandardWebhook(SECRET, { ...headers, signature: undefined }, Buffer.from(BODY), AT),
    ).toThrow('headers are required');
  });

  it('rejects a timestamp more than five minutes away, either way', () => {
    const headers = { id: ID, timestamp: String(TIMESTAMP), signature: SIGNATURE };
    expect(() =>
      verifyStandardWebhook(SECRET, headers, Buffer.from(BODY), new Date(AT.getTime() + 301_000)),
    ).toThrow('5 minutes');
    expect(() =>
      verifyStandardWebhook(SECRET, headers, Buffer.from(BODY), new Date(AT.getTime() - 301_000)),
    ).toThrow('5 minutes');
    expect(
      verifyStandardWebhook(SECRET, headers, Buffer.from(BODY), new Date(AT.getTime() + 299_000)).id,
    ).toBe(ID);
  });
});
