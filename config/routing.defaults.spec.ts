import { routingSettingsProblems } from '../src/routing/routing-settings.validation';
import { DEFAULT_ROUTING } from './routing.defaults';

describe('DEFAULT_ROUTING', () => {
  it('passes the same checks as rules a tenant saves', () => {
    expect(routingSettingsProblems(DEFAULT_ROUTING)).toEqual([]);
  });
});
