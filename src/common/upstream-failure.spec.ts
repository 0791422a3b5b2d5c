import { AdapterError, AdapterErrorCode } from '../../adapters/contract';
import { describeUpstreamFailure, UPSTREAM_MESSAGE_MAX_LENGTH } from './upstream-failure';

describe('upstream failure description', () => {
  it('keeps the code and a short, printable message', () => {
    const body = `<html>\u0000${'secret-banner '.repeat(500)}</html>`;
    const text = describeUpstreamFailure(
      new AdapterError(AdapterErrorCode.TEMPORARY, `platform said ${body}`),
    );
    expect(text.startsWith('TEMPORARY: platform said <html> secret-banner')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(UPSTREAM_MESSAGE_MAX_LENGTH + 'TEMPORARY: '.length);
    expect(text).not.toContain('\u0000');
  });

  it('says nothing about errors that are not the adapter’s', () => {
    expect(describeUpstreamFailure(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=x'))).toBe(
      'the hub could not complete the call; see its log',
    );
  });
});
