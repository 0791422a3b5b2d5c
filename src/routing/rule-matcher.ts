import type { MinorMoney, Platform, TicketCategory, TicketKind } from '../../adapters/contract';
import { decimalToMinor } from '../../adapters/shared/money';
import type { Severity } from '../tickets/ticket-vocabulary';
import type { RoutingRule, RuleConditions, RuleOutcome } from './routing-rule.types';

/** What a rule can look at, gathered once per case. */
export interface RuleFacts {
  platform: Platform;
  connectionId: string;
  kind: TicketKind;
  category: TicketCategory;
  severity: Severity;
  amount: MinorMoney | null;
  vip: boolean;
  skus: string[];
  lowerText: string;
}

export interface CompiledRule {
  index: number;
  name: string;
  then: RuleOutcome;
  matches(facts: RuleFacts): boolean;
}

type Predicate = (facts: RuleFacts) => boolean;

function oneOf<T>(values: readonly T[] | undefined, pick: (facts: RuleFacts) => T): Predicate | null {
  if (!values) return null;
  const allowed = new Set(values);
  return (facts) => allowed.has(pick(facts));
}

function amountIn(range: RuleConditions['amount']): Predicate | null {
  if (!range) return null;
  const currency = range.currency.toUpperCase();
  const min = range.min === undefined ? null : decimalToMinor(range.min, currency);
  const max = range.max === undefined ? null : decimalToMinor(range.max, currency);
  return ({ amount }) =>
    amount !== null &&
    amount.currency === currency &&
    (min === null || amount.amountMinor >= min) &&
    (max === null || amount.amountMinor <= max);
}

function skuIn(patterns: string[] | undefined): Predicate | null {
  if (!patterns) return null;
  const exact = new Set(patterns.filter((pattern) => !pattern.endsWith('*')));
  const prefixes = patterns.filter((pattern) => pattern.endsWith('*')).map((pattern) => pattern.slice(0, -1));
  return ({ skus }) =>
    skus.some((sku) => exact.has(sku) || prefixes.some((prefix) => sku.startsWith(prefix)));
}

function anyKeyword(keywords: string[] | undefined): Predicate | null {
  if (!keywords) return null;
  const lower = keywords.map((keyword) => keyword.toLowerCase());
  return ({ lowerText }) => lower.some((keyword) => lowerText.includes(keyword));
}

/** Turns a stored rule into one closure over only the conditions it sets, so matching does no parsing. */
export function compileRule(rule: RoutingRule, index: number): CompiledRule {
  const { when } = rule;
  const predicates = [
    oneOf(when.platform, (facts) => facts.platform),
    oneOf(when.connectionId, (facts) => facts.connectionId),
    oneOf(when.kind, (facts) => facts.kind),
    oneOf(when.category, (facts) => facts.category),
    oneOf(when.severity, (facts) => facts.severity),
    when.vip === undefined ? null : (facts: RuleFacts) => facts.vip === when.vip,
    amountIn(when.amount),
    skuIn(when.sku),
    anyKeyword(when.keywords),
  ].filter((predicate): predicate is Predicate => predicate !== null);
  return {
    index,
    name: rule.name,
    then: rule.then,
    matches: (facts) => predicates.every((predicate) => predicate(facts)),
  };
}
