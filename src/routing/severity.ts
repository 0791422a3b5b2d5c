import type { MinorMoney, TicketKind, TicketStage } from '../../adapters/contract';
import { raiseSeverity, type Severity } from '../tickets/ticket-vocabulary';
import type { KeywordMatcher } from './keyword-matcher';

export interface SeverityFacts {
  kind: TicketKind;
  stage: TicketStage;
  lowerText: string;
  amount: MinorMoney | null;
  vip: boolean;
  /** The ticket belongs to a group incident on one of its SKUs. */
  incident: boolean;
}

export interface SeverityAssessment {
  severity: Severity;
  /** Why, for the timeline: `threat:12315`, `amount`, `incident`, `arbitration`, `inquiry`, `vip`. */
  reasons: string[];
}

/**
 * Critical for threats to escalate outside the platform, amounts above the tenant's threshold in the case's
 * currency, and group incidents; high while the platform arbitrates; low for plain inquiries. VIPs go up a tier.
 */
export function assessSeverity(
  facts: SeverityFacts,
  escalation: KeywordMatcher,
  criticalAmounts: ReadonlyMap<string, number>,
): SeverityAssessment {
  const reasons = escalation.find(facts.lowerText).map((keyword) => `threat:${keyword}`);
  const threshold = facts.amount ? criticalAmounts.get(facts.amount.currency) : undefined;
  if (facts.amount && threshold !== undefined && facts.amount.amountMinor > threshold) reasons.push('amount');
  if (facts.incident) reasons.push('incident');
  let severity: Severity = 'normal';
  if (reasons.length > 0) severity = 'critical';
  else if (facts.stage === 'arbitration') {
    severity = 'high';
    reasons.push('arbitration');
  } else if (facts.kind === 'inquiry') {
    severity = 'low';
    reasons.push('inquiry');
  }
  if (facts.vip && severity !== 'critical') {
    severity = raiseSeverity(severity);
    reasons.push('vip');
  }
  return { severity, reasons };
}
