import type { ActionType } from '../../adapters/contract';
import type { ActorType } from '../tickets/ticket-vocabulary';
import type { Action, ActionStatus } from './action.entity';

export interface ActionView {
  id: string;
  ticketId: string;
  type: ActionType;
  params: Record<string, unknown>;
  status: ActionStatus;
  actor: { type: ActorType; id: string | null };
  attempts: number;
  upstream: { response: unknown; error: string | null; errorCode: string | null };
  /** Set while the platform waits for a code (`POST /v1/actions/:id/verify`). */
  verification: { message: string } | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export function toActionView(action: Action): ActionView {
  return {
    id: action.id,
    ticketId: action.ticketId,
    type: action.type,
    params: action.params,
    status: action.status,
    actor: { type: action.actorType, id: action.actorId },
    attempts: action.attempts,
    upstream: { response: action.response ?? null, error: action.error, errorCode: action.errorCode },
    verification:
      action.status === 'needs_verification' ? { message: action.verificationMessage ?? '' } : null,
    createdAt: action.createdAt,
    updatedAt: action.updatedAt,
    completedAt: action.completedAt,
  };
}
