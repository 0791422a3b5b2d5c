import { slaPoliciesProblems } from '../src/sla/sla-policies.validation';
import { DEFAULT_SLA_POLICIES } from './sla.defaults';

describe('DEFAULT_SLA_POLICIES', () => {
  it('passes the same checks as policies a tenant saves', () => {
    expect(slaPoliciesProblems(DEFAULT_SLA_POLICIES)).toEqual([]);
  });

  it('follows the response plan: critical 1 h / 2 h, high and normal 2 h / 24 h, low 24 h / 72 h', () => {
    const hours = Object.fromEntries(
      Object.entries(DEFAULT_SLA_POLICIES.policies).map(([severity, policy]) => [
        severity,
        [policy.firstResponseMinutes / 60, policy.resolutionMinutes / 60],
      ]),
    );
    expect(hours).toEqual({ critical: [1, 2], high: [2, 24], normal: [2, 24], low: [24, 72] });
  });
});
