import type { NormalizedCase } from '../contract';
import { rereadAfterAction } from './action-reread';

describe('rereadAfterAction', () => {
  it('hands back the case read after the decision', async () => {
    const found = { externalId: '1' } as NormalizedCase;
    await expect(rereadAfterAction(() => Promise.resolve(found))).resolves.toEqual({ updatedCase: found });
  });

  it('turns a failed read into no case and the reason, for the hub to log', async () => {
    await expect(rereadAfterAction(() => Promise.reject(new Error('gateway timeout')))).resolves.toEqual({
      updatedCase: null,
      rereadError: 'gateway timeout',
    });
  });
});
