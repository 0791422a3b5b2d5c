import type { MinorMoney, Platform, TicketCategory, TicketKind, TicketStage } from '../../adapters/contract';
import { decimalToMinor } from '../../adapters/shared/money';
import { CATEGORY_KEYWORDS, ESCALATION_KEYWORDS } from '../../config/classifier-keywords';
import { FALLBACK_DEPARTMENT } from '../../config/routing.defaults';
import type { Department, Severity } from '../tickets/ticket-vocabulary';
import { KeywordClassifier } from './keyword-classifier';
import { KeywordMatcher } from './keyword-matcher';
import type { AssigneeSpec, RoutingSettings, RuleOutcome } from './routing-rule.types';
import { compileRule, type CompiledRule, type RuleFacts } from './rule-matcher';
import { assessSeverity } from './severity';

/** A case as routing sees it, from a fresh platform case or from a stored ticket. */
export interface CaseFacts {
  platform: Platform;
  connectionId: string;
  kind: TicketKind;
  stage: TicketStage;
  reason: string | null;
  /** The adapter's reason-code category, which wins over the text. */
  platformCategory: TicketCategory | null;
  amount: MinorMoney | null;
  vip: boolean;
  skus: string[];
  incident: boolean;
}

export interface MatchedRule {
  index: number;
  name: string;
  /** The fields this rule decided; a field belongs to the first matching rule that sets it. */
  set: (keyof RuleOutcome)[];
}

export interface RoutingDecision {
  category: TicketCategory;
  categorySource: 'platform' | 'keywords' | 'none';
  categoryKeywords: string[];
  severity: Severity;
  severityReasons: string[];
  department: Department;
  tags: string[];
  assignee: AssigneeSpec | null;
  matched: MatchedRule[];
}

const DEFAULT_CLASSIFIER = new KeywordClassifier(CATEGORY_KEYWORDS);
const DEFAULT_ESCALATION = new KeywordMatcher(ESCALATION_KEYWORDS);

/** One tenant's routing, compiled once: classification, severity and the ordered rules. */
export class CaseRouter {
  readonly incidentTickets: number;
  readonly incidentWindowMs: number;
  private readonly rules: CompiledRule[];
  private readonly criticalAmounts: Map<string, number>;

  constructor(
    settings: RoutingSettings,
    private readonly classifier: KeywordClassifier = DEFAULT_CLASSIFIER,
    private readonly escalation: KeywordMatcher = DEFAULT_ESCALATION,
  ) {
    this.rules = settings.rules.map(compileRule);
    this.criticalAmounts = new Map(
      settings.thresholds.criticalAmounts.map(({ amount, currency }) => [
        currency.toUpperCase(),
        decimalToMinor(amount, currency.toUpperCase()),
      ]),
    );
    this.incidentTickets = settings.thresholds.incident.tickets;
    this.incidentWindowMs = settings.thresholds.incident.windowMinutes * 60_000;
  }

  decide(facts: CaseFacts): RoutingDecision {
    const lowerText = (facts.reason ?? '').toLowerCase();
    const classified = facts.platformCategory ? null : this.classifier.classify(lowerText);
    const category = facts.platformCategory ?? classified?.category ?? 'other';
    const assessed = assessSeverity({ ...facts, lowerText }, this.escalation, this.criticalAmounts);
    const ruleFacts: RuleFacts = { ...facts, category, severity: assessed.severity, lowerText };
    let department: Department | undefined;
    let assignee: AssigneeSpec | undefined;
    let severitySet = false;
    const tags = new Set<string>();
    const matched: MatchedRule[] = [];
    for (const rule of this.rules) {
      if (!rule.matches(ruleFacts)) continue;
      const { then } = rule;
      const set: MatchedRule['set'] = [];
      if (then.department && department === undefined) {
        department = then.department;
        set.push('department');
      }
      if (then.severity && !severitySet) {
        ruleFacts.severity = then.severity;
        severitySet = true;
        set.push('severity');
      }
      if (then.assignee !== undefined && assignee === undefined) {
        assignee = then.assignee;
        set.push('assignee');
      }
      if (then.tags && then.tags.length > 0) {
        for (const tag of then.tags) tags.add(tag);
        set.push('tags');
      }
      if (set.length > 0) matched.push({ index: rule.index, name: rule.name, set });
    }
    return {
      category,
      categorySource: facts.platformCategory ? 'platform' : classified ? 'keywords' : 'none',
      categoryKeywords: classified?.keywords ?? [],
      severity: ruleFacts.severity,
      severityReasons: severitySet ? [...assessed.reasons, 'rule'] : assessed.reasons,
      department: department ?? FALLBACK_DEPARTMENT,
      tags: [...tags],
      assignee: assignee ?? null,
      matched,
    };
  }
}

/**
 * Round-robin uses the tenant's ticket number as its cursor: numbers come from a sequence, so no shared
 * counter is locked on the ingest path, and consecutive tickets of a rule spread evenly over its agents.
 */
export function resolveAssignee(spec: AssigneeSpec | null, ticketNumber: number): string | null {
  if (spec === null) return null;
  if (typeof spec === 'string') return spec;
  const agents = spec.roundRobin;
  return agents.length === 0 ? null : agents[(ticketNumber - 1) % agents.length];
}
