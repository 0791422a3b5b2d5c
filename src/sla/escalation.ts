import { raiseSeverity } from '../tickets/ticket-vocabulary';
import type { Department, Severity } from '../tickets/ticket-vocabulary';

export interface Escalation {
  severity: Severity;
  department: Department;
}

/** Each breach raises the severity one tier; a ticket that reaches critical goes to the complaints desk. */
export function escalate(severity: Severity, department: Department, breaches: number): Escalation {
  if (breaches <= 0) return { severity, department };
  const raised = raiseSeverity(severity, breaches);
  return { severity: raised, department: raised === 'critical' ? 'complaints' : department };
}
