import { Module } from '@nestjs/common';
import { TicketRepository } from './ticket.repository';

/** The tickets table's owner on its own, so SLA timers and actions can use it without the tickets services. */
@Module({ providers: [TicketRepository], exports: [TicketRepository] })
export class TicketRepositoryModule {}
