import type { ActionType, TicketStage } from '../../adapters/contract';

/**
 * Decisions of one kind a ticket can have only one of at a time (two agents approving the same refund make
 * one upstream call). Messages are not decisions: each one is its own.
 */
export const DECISION_KEYS: Record<ActionType, string | null> = {
  approve_refund: 'refund',
  refuse_refund: 'refund',
  approve_return: 'return',
  refuse_return: 'return',
  confirm_return_received: 'return_received',
  send_message: null,
};

/** The stages a case reaches once a decision has taken effect upstream, to tell after a crash whether it did. */
export const STAGES_AFTER: Record<ActionType, readonly TicketStage[] | null> = {
  approve_refund: ['refunding', 'refunded', 'closed'],
  refuse_refund: ['refused', 'closed', 'arbitration'],
  approve_return: ['awaiting_return', 'return_shipped', 'return_received', 'refunding', 'refunded'],
  refuse_return: ['refused', 'closed', 'arbitration'],
  confirm_return_received: ['return_received', 'refunding', 'refunded'],
  send_message: null,
};

export function decisionTookEffect(type: ActionType, stage: TicketStage): boolean {
  return STAGES_AFTER[type]?.includes(stage) ?? false;
}

/** The case state a decision answers; a changed case (re-applied, partly refunded) is a new decision. */
export interface DecisionCaseState {
  stage: TicketStage;
  platformVersion: string | null;
  externalUpdatedAt: Date;
  refundedAmountMinor: number | null;
}

export function decisionScope(state: DecisionCaseState): string {
  return [
    state.stage,
    state.platformVersion ?? '',
    state.externalUpdatedAt.toISOString(),
    state.refundedAmountMinor ?? 0,
  ].join('|');
}
