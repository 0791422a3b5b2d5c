import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { DomainEvent } from './domain-event.types';

/**
 * Records domain events in the caller's transaction, so an event exists exactly when its change does;
 * the dispatcher turns them into webhook deliveries afterwards, whatever happened to Redis or the process.
 */
@Injectable()
export class OutboxService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async emit(events: DomainEvent[], manager: EntityManager = this.dataSource.manager): Promise<void> {
    if (events.length === 0) return;
    // One array per column: a fixed statement whatever the number of events, in the order given.
    await manager.query(
      `INSERT INTO outbox_events (tenant_id, type, ticket_id, payload)
       SELECT x.tenant_id, x.type, x.ticket_id, x.payload
       FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::jsonb[]) WITH ORDINALITY AS x(tenant_id, type, ticket_id, payload, n)
       ORDER BY x.n`,
      [
        events.map((event) => event.tenantId),
        events.map((event) => event.type),
        events.map((event) => event.ticketId ?? null),
        events.map((event) => JSON.stringify(event.data)),
      ],
    );
  }
}
