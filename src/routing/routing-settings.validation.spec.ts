import { DEFAULT_ROUTING } from '../../config/routing.defaults';
import type { RoutingSettings } from './routing-rule.types';
import { routingSettingsProblems } from './routing-settings.validation';

const settings = (overrides: Partial<RoutingSettings>): RoutingSettings => ({
  ...DEFAULT_ROUTING,
  ...overrides,
});

describe('routingSettingsProblems', () => {
  it('finds nothing wrong with a sound rule list', () => {
    expect(
      routingSettingsProblems(
        settings({
          rules: [
            {
              name: 'big VIP refunds',
              when: { vip: true, amount: { currency: 'CNY', min: '1000', max: '9999.99' } },
              then: { assignee: { roundRobin: ['a', 'b'] }, tags: ['vip'] },
            },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('names the field of each problem', () => {
    const problems = routingSettingsProblems(
      settings({
        rules: [
          {
            name: 'same',
            when: { amount: { currency: 'CNY', min: '200', max: '100' } },
            then: { tags: ['x'] },
          },
          { name: 'same', when: { amount: { currency: 'JPY', min: '1.5' } }, then: {} },
          {
            name: 'empty range',
            when: { amount: { currency: 'CNY' } },
            then: { assignee: { roundRobin: ['a', 'a'] } },
          },
        ],
        thresholds: {
          criticalAmounts: [
            { amount: '100', currency: 'CNY' },
            { amount: 'lots', currency: 'CNY' },
          ],
          incident: { tickets: 5, windowMinutes: 60 },
        },
      }),
    );
    expect(problems.map((problem) => problem.field)).toEqual([
      'rules.0.when.amount',
      'rules.1.name',
      'rules.1.then',
      'rules.1.when.amount.min',
      'rules.2.then.assignee.roundRobin',
      'rules.2.when.amount',
      'thresholds.criticalAmounts.1.currency',
      'thresholds.criticalAmounts.1.amount',
    ]);
    expect(problems[0].problems).toEqual(['min must not be greater than max']);
    expect(problems[3].problems[0]).toContain('more decimals than JPY allows');
  });
});
