import type { FieldProblem } from '../common/validation.pipe';
import { SEVERITIES } from '../tickets/ticket-vocabulary';
import { isValidTimeZone, minutesOfDay } from './business-time';
import type { SlaPolicySet } from './sla-policy.types';

function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** What the DTO's per-field checks cannot see: real time zones and dates, hours in order, targets in order. */
export function slaPoliciesProblems(set: SlaPolicySet): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, problem: string) => problems.push({ field, problems: [problem] });
  for (const severity of SEVERITIES) {
    const policy = set.policies[severity];
    const at = `policies.${severity}`;
    if (policy.firstResponseMinutes > policy.resolutionMinutes) {
      add(`${at}.firstResponseMinutes`, 'must not be longer than resolutionMinutes');
    }
    const hours = policy.businessHours;
    if (!hours) continue;
    if (!isValidTimeZone(hours.timezone)) add(`${at}.businessHours.timezone`, 'is not an IANA time zone');
    if (new Set(hours.weekdays).size !== hours.weekdays.length) {
      add(`${at}.businessHours.weekdays`, 'lists a day twice');
    }
    if (minutesOfDay(hours.start) >= minutesOfDay(hours.end)) {
      add(`${at}.businessHours.end`, 'must be later than start on the same day');
    }
  }
  set.holidays.forEach((holiday, index) => {
    if (!isCalendarDate(holiday)) add(`holidays.${index}`, 'must be a real date as YYYY-MM-DD');
  });
  return problems;
}
