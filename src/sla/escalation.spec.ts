import { escalate } from './escalation';

describe('escalate', () => {
  it('raises the severity one tier per breach and hands critical tickets to complaints', () => {
    expect(escalate('normal', 'quality', 1)).toEqual({ severity: 'high', department: 'quality' });
    expect(escalate('high', 'quality', 1)).toEqual({ severity: 'critical', department: 'complaints' });
    expect(escalate('normal', 'logistics', 2)).toEqual({ severity: 'critical', department: 'complaints' });
    expect(escalate('critical', 'finance', 1)).toEqual({ severity: 'critical', department: 'complaints' });
  });

  it('changes nothing without a breach', () => {
    expect(escalate('low', 'tech', 0)).toEqual({ severity: 'low', department: 'tech' });
  });
});
