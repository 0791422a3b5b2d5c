import { ESCALATION_KEYWORDS } from '../../config/classifier-keywords';
import { KeywordMatcher } from './keyword-matcher';
import { raiseSeverity } from '../tickets/ticket-vocabulary';
import { assessSeverity, type SeverityFacts } from './severity';

describe('assessSeverity', () => {
  const escalation = new KeywordMatcher(ESCALATION_KEYWORDS);
  const thresholds = new Map([['CNY', 500_000]]);
  const facts = (overrides: Partial<SeverityFacts> = {}): SeverityFacts => ({
    kind: 'return_refund',
    stage: 'requested',
    lowerText: '',
    amount: { amountMinor: 12_900, currency: 'CNY' },
    vip: false,
    incident: false,
    ...overrides,
  });
  const assess = (overrides: Partial<SeverityFacts>) =>
    assessSeverity(facts(overrides), escalation, thresholds);

  it('is normal for an ordinary case', () => {
    expect(assess({})).toEqual({ severity: 'normal', reasons: [] });
  });

  it.each([
    '再不处理我就打12315投诉',
    '我要投诉到消协',
    '已经联系了媒体',
    '我的律师会联系你们',
    'my lawyer will call',
    'i will open a chargeback',
    'this is fraud',
  ])('is critical when the buyer threatens to escalate: %s', (text) => {
    expect(assess({ lowerText: text.toLowerCase() }).severity).toBe('critical');
  });

  it('is critical above the amount threshold of the case currency, and only in that currency', () => {
    expect(assess({ amount: { amountMinor: 500_001, currency: 'CNY' } })).toEqual({
      severity: 'critical',
      reasons: ['amount'],
    });
    expect(assess({ amount: { amountMinor: 500_000, currency: 'CNY' } }).severity).toBe('normal');
    expect(assess({ amount: { amountMinor: 9_999_999, currency: 'JPY' } }).severity).toBe('normal');
  });

  it('is critical for a ticket in a group incident', () => {
    expect(assess({ incident: true })).toEqual({ severity: 'critical', reasons: ['incident'] });
  });

  it('is high in platform arbitration and low for an inquiry', () => {
    expect(assess({ stage: 'arbitration' }).severity).toBe('high');
    expect(assess({ kind: 'inquiry' }).severity).toBe('low');
  });

  it('raises VIP buyers one tier, never past critical', () => {
    expect(assess({ vip: true })).toEqual({ severity: 'high', reasons: ['vip'] });
    expect(assess({ vip: true, kind: 'inquiry' }).severity).toBe('normal');
    expect(assess({ vip: true, stage: 'arbitration' }).severity).toBe('critical');
    expect(assess({ vip: true, incident: true })).toEqual({ severity: 'critical', reasons: ['incident'] });
  });

  it('names every reason for the timeline', () => {
    expect(
      assess({ lowerText: '12315 and my lawyer', amount: { amountMinor: 900_000, currency: 'CNY' } }).reasons,
    ).toEqual(['threat:12315', 'threat:lawyer', 'amount']);
  });
});

describe('raiseSeverity', () => {
  it('goes up the given number of tiers and stops at critical', () => {
    expect(raiseSeverity('low')).toBe('normal');
    expect(raiseSeverity('normal', 2)).toBe('critical');
    expect(raiseSeverity('critical')).toBe('critical');
  });
});
