import { decimalToMinor } from '../../adapters/shared/money';
import type { FieldProblem } from '../common/validation.pipe';
import type { RoutingSettings } from './routing-rule.types';

function amountProblem(value: string, currency: string): string | null {
  try {
    return decimalToMinor(value, currency) < 0 ? 'must not be negative' : null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** What the DTO's per-field checks cannot see: amounts in their currency, ranges, duplicates, empty rules. */
export function routingSettingsProblems(settings: RoutingSettings): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problems: [problem] });
  const names = new Set<string>();
  settings.rules.forEach((rule, index) => {
    const at = `rules.${index}`;
    if (names.has(rule.name))
      add(`${at}.name`, `another rule is already called ${JSON.stringify(rule.name)}`);
    names.add(rule.name);
    const { then, when } = rule;
    if (
      then.department === undefined &&
      then.severity === undefined &&
      then.assignee === undefined &&
      (then.tags ?? []).length === 0
    ) {
      add(`${at}.then`, 'must set at least one of department, severity, tags or assignee');
    }
    if (
      typeof then.assignee === 'object' &&
      new Set(then.assignee.roundRobin).size !== then.assignee.roundRobin.length
    ) {
      add(`${at}.then.assignee.roundRobin`, 'lists an agent twice');
    }
    if (when.amount) {
      const { min, max, currency } = when.amount;
      if (min === undefined && max === undefined) add(`${at}.when.amount`, 'needs min, max or both');
      for (const [key, value] of [
        ['min', min],
        ['max', max],
      ] as const) {
        const problem = value === undefined ? null : amountProblem(value, currency);
        if (problem) add(`${at}.when.amount.${key}`, problem);
      }
      if (
        min !== undefined &&
        max !== undefined &&
        !amountProblem(min, currency) &&
        !amountProblem(max, currency) &&
        decimalToMinor(min, currency) > decimalToMinor(max, currency)
      ) {
        add(`${at}.when.amount`, 'min must not be greater than max');
      }
    }
  });
  const currencies = new Set<string>();
  settings.thresholds.criticalAmounts.forEach(({ amount, currency }, index) => {
    const at = `thresholds.criticalAmounts.${index}`;
    if (currencies.has(currency)) add(`${at}.currency`, `${currency} has a threshold already`);
    currencies.add(currency);
    const problem = amountProblem(amount, currency);
    if (problem) add(`${at}.amount`, problem);
  });
  return problems;
}
