import type { RoutingDecision } from './case-router';
import { reconcile, type CurrentRouting } from './reconcile';

const decision = (overrides: Partial<RoutingDecision> = {}): RoutingDecision => ({
  category: 'quality',
  categorySource: 'keywords',
  categoryKeywords: ['破损'],
  severity: 'critical',
  severityReasons: ['threat:12315'],
  department: 'complaints',
  tags: ['hot'],
  assignee: { roundRobin: ['a', 'b'] },
  matched: [],
  ...overrides,
});

const current = (overrides: Partial<CurrentRouting> = {}): CurrentRouting => ({
  category: 'other',
  severity: 'normal',
  department: 'customer_care',
  tags: ['checked'],
  assigneeId: null,
  manualFields: [],
  escalated: false,
  ...overrides,
});

describe('reconcile', () => {
  it('applies a fresh decision to a ticket nobody touched, adding tags and filling the assignee', () => {
    expect(reconcile(current(), decision(), 2)).toEqual({
      category: 'quality',
      severity: 'critical',
      department: 'complaints',
      tags: ['checked', 'hot'],
      assigneeId: 'b',
    });
  });

  it('never overwrites the fields an agent set by hand', () => {
    const changes = reconcile(
      current({ manualFields: ['department', 'severity', 'assignee', 'tags'] }),
      decision(),
      1,
    );
    expect(changes).toEqual({ category: 'quality' });
  });

  it('keeps an escalated severity and department', () => {
    const changes = reconcile(
      current({ escalated: true, severity: 'high' }),
      decision({ severity: 'normal' }),
      1,
    );
    expect(changes).not.toHaveProperty('severity');
    expect(changes).not.toHaveProperty('department');
  });

  it('never replaces an assignee already in place, and changes nothing when nothing differs', () => {
    const same = current({
      category: 'quality',
      severity: 'critical',
      department: 'complaints',
      tags: ['hot'],
      assigneeId: 'z',
    });
    expect(reconcile(same, decision(), 1)).toEqual({});
  });
});
