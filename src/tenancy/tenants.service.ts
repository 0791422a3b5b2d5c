import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKeysService, type IssuedApiKey } from './api-keys.service';
import { Tenant } from './tenant.entity';

/** Each tenant numbers its own tickets (#1, #2, …) from its own sequence, so workers never contend on a counter row. */
export function ticketNumberSequence(tenantId: string): string {
  return `ticket_number_${tenantId.replace(/-/g, '')}`;
}

@Injectable()
export class TenantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
  ) {}

  create(name: string): Promise<{ tenant: { id: string; name: string }; apiKey: IssuedApiKey }> {
    return this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .getRepository(Tenant)
        .createQueryBuilder()
        .insert()
        .values({ name })
        .returning(['id'])
        .execute();
      const id = (inserted.generatedMaps[0] as { id: string }).id;
      await manager.query(`CREATE SEQUENCE ${ticketNumberSequence(id)}`);
      const apiKey = await this.apiKeys.issue(id, 'admin', 'first admin key', manager);
      return { tenant: { id, name }, apiKey };
    });
  }
}
