import type { Platform, TicketCategory, TicketKind } from '../../adapters/contract';
import type { Department, Severity } from '../tickets/ticket-vocabulary';

/** Decimal strings in major units, as everywhere in the API; a case in another currency never matches. */
export interface AmountRange {
  currency: string;
  min?: string;
  max?: string;
}

/** Every listed condition must hold; a list matches when the case has any of its values. */
export interface RuleConditions {
  platform?: Platform[];
  kind?: TicketKind[];
  category?: TicketCategory[];
  severity?: Severity[];
  amount?: AmountRange;
  /** Case-insensitive substrings of the buyer's text. */
  keywords?: string[];
  vip?: boolean;
  /** Exact SKUs, or prefixes ending in `*`. */
  sku?: string[];
  connectionId?: string[];
}

export type AssigneeSpec = string | { roundRobin: string[] };

export interface RuleOutcome {
  department?: Department;
  severity?: Severity;
  tags?: string[];
  assignee?: AssigneeSpec;
}

export interface RoutingRule {
  name: string;
  when: RuleConditions;
  then: RuleOutcome;
}

export interface MoneyThreshold {
  amount: string;
  currency: string;
}

export interface SeverityThresholds {
  /** A case asking for more than this, in its currency, is critical. */
  criticalAmounts: MoneyThreshold[];
  /** This many new tickets on one SKU within the window make a group incident. */
  incident: { tickets: number; windowMinutes: number };
}

export interface RoutingSettings {
  rules: RoutingRule[];
  thresholds: SeverityThresholds;
}
