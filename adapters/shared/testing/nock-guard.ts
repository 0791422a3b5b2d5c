import nock from 'nock';
import { AdapterError } from '../../contract';

interface NoMatchRequest {
  method?: string;
  host?: string;
  hostname?: string;
  path?: string;
}

const LOOPBACK = '127.0.0.1';

/**
 * Blocks real network access for the enclosing block and fails any test that sent a request no
 * interceptor took: clients map such a request to an AdapterError and adapters swallow a failed
 * re-read, so without this record the test could still pass. With `allowLoopback`, requests to a
 * local sandbox go through and are not counted.
 */
export function guardNock(options: { allowLoopback?: boolean } = {}): { unmatched: string[] } {
  const unmatched: string[] = [];
  const recordUnmatched = (request: NoMatchRequest, _: unknown, body = '') => {
    // nock reports every request it has no interceptor for, including the ones it lets through.
    if (options.allowLoopback && (request.hostname ?? request.host ?? '').split(':')[0] === LOOPBACK) return;
    unmatched.push(`${request.method} ${request.host}${request.path} ${body}`);
  };

  beforeAll(() => {
    nock.disableNetConnect();
    if (options.allowLoopback) nock.enableNetConnect(LOOPBACK);
    nock.emitter.on('no match', recordUnmatched);
  });
  afterEach(() => {
    const leftover = unmatched.splice(0);
    nock.cleanAll();
    expect(leftover).toEqual([]);
  });
  afterAll(() => {
    nock.emitter.removeListener('no match', recordUnmatched);
    nock.enableNetConnect();
    nock.restore();
  });

  return { unmatched };
}

/** The AdapterError a promise rejects with; anything else (including fulfilment) fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(error)}`);
  return error;
}
