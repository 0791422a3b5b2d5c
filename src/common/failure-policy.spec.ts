import { AdapterErrorCode } from '../../adapters/contract';
import { failureDecision } from './failure-policy';

describe('failureDecision', () => {
  it.each([
    [AdapterErrorCode.TEMPORARY, 'retry_later'],
    [AdapterErrorCode.RATE_LIMITED, 'retry_later'],
    [AdapterErrorCode.CONFLICT, 'reread_and_retry_once'],
    [AdapterErrorCode.AUTH, 'pause_connection'],
    [AdapterErrorCode.VERIFICATION_REQUIRED, 'await_verification'],
    [AdapterErrorCode.NOT_FOUND, 'fail'],
    [AdapterErrorCode.INVALID, 'fail'],
    [AdapterErrorCode.UNSUPPORTED, 'fail'],
  ])('decides %s → %s', (code, decision) => {
    expect(failureDecision(code)).toBe(decision);
  });

  it('has a decision for every adapter error code', () => {
    for (const code of Object.values(AdapterErrorCode)) expect(failureDecision(code)).toBeDefined();
  });
});
