import { AdapterError, AdapterErrorCode } from '../contract';
import { unwrapGatewayResponse, type GatewayEnvelope } from './gateway-response';
import { requireCredentials } from './guards';

interface TestError {
  code: number;
}

const envelope: GatewayEnvelope<TestError> = {
  method: 'x.get',
  responseKey: 'x_get_response',
  mapError: (error) => new AdapterError(AdapterErrorCode.AUTH, `error ${error.code}`),
};

describe('unwrapGatewayResponse', () => {
  it('hands back the answer under the method key, ids beyond 2^53 intact', () => {
    expect(unwrapGatewayResponse(`{"x_get_response":{"id":7381745730123456789}}`, envelope)).toEqual({
      id: '7381745730123456789',
    });
    expect(unwrapGatewayResponse('{"a":1}', { ...envelope, responseKey: null })).toEqual({ a: 1 });
  });

  it('turns error_response into the platform error, and anything unreadable into TEMPORARY', () => {
    expect(() => unwrapGatewayResponse('{"error_response":{"code":12}}', envelope)).toThrow('error 12');
    for (const text of ['<html>502</html>', '[1]', '{"other_response":{}}']) {
      expect(() => unwrapGatewayResponse(text, envelope)).toThrow(
        expect.objectContaining({ code: AdapterErrorCode.TEMPORARY }),
      );
    }
  });

  it('lets a gateway check errors carried inside the answer', () => {
    const checked = {
      ...envelope,
      check: (answer: Record<string, unknown>) => {
        if (answer.code !== 0) throw new AdapterError(AdapterErrorCode.INVALID, 'inner');
      },
    };
    expect(() => unwrapGatewayResponse('{"x_get_response":{"code":5}}', checked)).toThrow('inner');
    expect(unwrapGatewayResponse('{"x_get_response":{"code":0}}', checked)).toEqual({ code: 0 });
  });
});

describe('requireCredentials', () => {
  it('names the first missing credential as AUTH', () => {
    expect(() => requireCredentials({ a: '1', b: '' }, ['a', 'b'])).toThrow(
      expect.objectContaining({ code: AdapterErrorCode.AUTH, message: 'the connection has no b' }),
    );
    expect(() => requireCredentials({ a: '1' }, ['a'])).not.toThrow();
  });
});
