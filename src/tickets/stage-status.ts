import type { TicketStage } from '../../adapters/contract';
import type { TicketStatus } from './ticket-vocabulary';

/**
 * What each upstream stage means for our workflow. The one place where the marketplace moves the status:
 * - finished upstream (refunded, closed, refused and not appealed, cancelled): nothing is left to do → solved;
 * - waiting on the buyer (to send the parcel back, to receive an exchange) or on the platform (paying out)
 *   → pending, which pauses the SLA clock;
 * - the seller has to act (a request, a parcel on its way or arrived, the platform intervening) → open again
 *   if the ticket was pending, solved or closed; a ticket nobody has looked at stays new.
 */
export const STAGE_PHASE: Readonly<Record<TicketStage, 'finished' | 'waiting' | 'active'>> = {
  requested: 'active',
  awaiting_return: 'waiting',
  return_shipped: 'active',
  return_received: 'active',
  refunding: 'waiting',
  refunded: 'finished',
  refused: 'finished',
  exchange_shipped: 'waiting',
  cancelled: 'finished',
  closed: 'finished',
  arbitration: 'active',
};

/** The status a ticket takes when its case reaches `stage`; the current one when the stage asks for no move. */
export function statusForStage(stage: TicketStage, current: TicketStatus): TicketStatus {
  switch (STAGE_PHASE[stage]) {
    case 'finished':
      return current === 'closed' ? 'closed' : 'solved';
    case 'waiting':
      return 'pending';
    case 'active':
      return current === 'new' || current === 'open' ? current : 'open';
  }
}
