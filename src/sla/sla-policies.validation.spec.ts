import { DEFAULT_SLA_POLICIES } from '../../config/sla.defaults';
import { slaPoliciesProblems } from './sla-policies.validation';

describe('slaPoliciesProblems', () => {
  it('accepts business hours in a real zone and real holiday dates', () => {
    const set = {
      ...DEFAULT_SLA_POLICIES,
      policies: {
        ...DEFAULT_SLA_POLICIES.policies,
        low: {
          firstResponseMinutes: 60,
          resolutionMinutes: 600,
          businessHours: {
            timezone: 'Asia/Shanghai',
            weekdays: [1, 2, 3, 4, 5],
            start: '09:00',
            end: '24:00',
          },
        },
      },
      holidays: ['2025-10-01', '2024-02-29'],
    };
    expect(slaPoliciesProblems(set)).toEqual([]);
  });

  it('names the field of each problem', () => {
    const set = {
      ...DEFAULT_SLA_POLICIES,
      policies: {
        ...DEFAULT_SLA_POLICIES.policies,
        high: { firstResponseMinutes: 600, resolutionMinutes: 60, businessHours: null },
        low: {
          firstResponseMinutes: 60,
          resolutionMinutes: 600,
          businessHours: { timezone: 'Mars/Olympus', weekdays: [1, 1], start: '18:00', end: '09:00' },
        },
      },
      holidays: ['2025-02-30', '01/10/2025'],
    };
    expect(slaPoliciesProblems(set).map((problem) => problem.field)).toEqual([
      'policies.low.businessHours.timezone',
      'policies.low.businessHours.weekdays',
      'policies.low.businessHours.end',
      'policies.high.firstResponseMinutes',
      'holidays.0',
      'holidays.1',
    ]);
  });
});
