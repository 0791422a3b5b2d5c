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
    const values: unknown[] = [];
    const rows = events.map((event, index) => {
      const base = index * 4;
      values.push(event.tenantId, event.type, event.ticketId ?? null, JSON.stringify(event.data));
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}::jsonb)`;
    });
    await manager.query(
      `INSERT INTO outbox_events (tenant_id, type, ticket_id, payload) VALUES ${rows.join(', ')}`,
      values,
    );
  }
}
