import { Injectable } from '@nestjs/common';
import type { NormalizedCase } from '../../adapters/contract';
import type { InitialTriage } from '../tickets/ticket-writer.service';
import type { Department, TicketCategory } from '../tickets/ticket-vocabulary';

const DEPARTMENT_BY_CATEGORY: Record<TicketCategory, Department> = {
  quality: 'quality',
  logistics: 'logistics',
  payment: 'finance',
  account: 'tech',
  service: 'complaints',
  other: 'customer_care',
};

/** The first classification of a new case: the adapter's reason-code category and the department that owns it. */
@Injectable()
export class TriageService {
  triage(item: NormalizedCase): InitialTriage {
    const category = item.category ?? 'other';
    const department = item.kind === 'complaint' ? 'complaints' : DEPARTMENT_BY_CATEGORY[category];
    return { category, severity: 'normal', department, tags: [] };
  }
}
