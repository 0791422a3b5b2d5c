import type { TicketCategory } from '../../adapters/contract';
import type { Department, Severity } from '../tickets/ticket-vocabulary';
import { resolveAssignee, type RoutingDecision } from './case-router';

/** The routing a stored ticket has now, and what people and escalations decided about it. */
export interface CurrentRouting {
  category: TicketCategory;
  severity: Severity;
  department: Department;
  tags: string[];
  assigneeId: string | null;
  /** Fields an agent set by hand: `department`, `severity`, `assignee`, `tags`. */
  manualFields: string[];
  /** An SLA breach escalated the ticket; the escalation's severity and department stand. */
  escalated: boolean;
}

export interface RoutingChanges {
  category?: TicketCategory;
  severity?: Severity;
  department?: Department;
  tags?: string[];
  assigneeId?: string;
}

/**
 * What a fresh decision may change on a ticket that already exists: never a field an agent set by hand,
 * never an escalation, never an assignee already in place; tags are only added, so agents' tags survive.
 */
export function reconcile(
  current: CurrentRouting,
  decision: RoutingDecision,
  ticketNumber: number,
): RoutingChanges {
  const manual = new Set(current.manualFields);
  const changes: RoutingChanges = {};
  if (decision.category !== current.category) changes.category = decision.category;
  if (!manual.has('severity') && !current.escalated && decision.severity !== current.severity) {
    changes.severity = decision.severity;
  }
  if (!manual.has('department') && !current.escalated && decision.department !== current.department) {
    changes.department = decision.department;
  }
  if (!manual.has('tags')) {
    const added = decision.tags.filter((tag) => !current.tags.includes(tag));
    if (added.length > 0) changes.tags = [...current.tags, ...added];
  }
  if (!manual.has('assignee') && current.assigneeId === null) {
    const assigneeId = resolveAssignee(decision.assignee, ticketNumber);
    if (assigneeId !== null) changes.assigneeId = assigneeId;
  }
  return changes;
}
