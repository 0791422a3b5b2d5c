import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { Outbox1763900100000 } from './1763900100000-outbox';
import { RoutingSla1763900200000 } from './1763900200000-routing-sla';
import { ActionsWebhooks1763900300000 } from './1763900300000-actions-webhooks';
import { AutoRefund1763900400000 } from './1763900400000-auto-refund';
import { IngestBatches1763901000000 } from './1763901000000-ingest-batches';
import { ActionVerification1763902000000 } from './1763902000000-action-verification';
import { HeldEvents1763903000000 } from './1763903000000-held-events';
import { Analytics1763904000000 } from './1763904000000-analytics';
import { AnalyticsCalendarJoins1763904010000 } from './1763904010000-analytics-calendar-joins';
import { OutboxSequence1763905000000 } from './1763905000000-outbox-sequence';
import { DecisionScope1763906000000 } from './1763906000000-decision-scope';
import { SearchSingleCharacters1763906010000 } from './1763906010000-search-single-characters';
import { StatusSetByAgent1763906020000 } from './1763906020000-status-set-by-agent';
import { TicketsPlatformIndex1763906030000 } from './1763906030000-tickets-platform-index';
import { ConnectionBackfill1763906040000 } from './1763906040000-connection-backfill';
import { AppChannels1764100000000 } from './1764100000000-app-channels';
import { TicketTouchCounts1764400000000 } from './1764400000000-ticket-touch-counts';
import { AnalyticsReportIndexes1764400010000 } from './1764400010000-analytics-report-indexes';
import { TicketSkus1764400020000 } from './1764400020000-ticket-skus';
import { AutoRefundDecisions1764500000000 } from './1764500000000-auto-refund-decisions';
import { SearchFilterIndex1764800000000 } from './1764800000000-search-filter-index';

/** Applied in this order at start-up; every schema change is a new class appended here. */
export const MIGRATIONS = [
  InitialSchema1763900000000,
  Outbox1763900100000,
  RoutingSla1763900200000,
  ActionsWebhooks1763900300000,
  AutoRefund1763900400000,
  IngestBatches1763901000000,
  ActionVerification1763902000000,
  HeldEvents1763903000000,
  Analytics1763904000000,
  AnalyticsCalendarJoins1763904010000,
  OutboxSequence1763905000000,
  DecisionScope1763906000000,
  SearchSingleCharacters1763906010000,
  StatusSetByAgent1763906020000,
  TicketsPlatformIndex1763906030000,
  ConnectionBackfill1763906040000,
  AppChannels1764100000000,
  TicketTouchCounts1764400000000,
  AnalyticsReportIndexes1764400010000,
  TicketSkus1764400020000,
  AutoRefundDecisions1764500000000,
  SearchFilterIndex1764800000000,
];
