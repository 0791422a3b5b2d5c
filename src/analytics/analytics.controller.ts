import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../tenancy/auth.decorators';
import {
  AnalyticsService,
  type OverviewView,
  type ProblemSkusView,
  type TimeseriesView,
} from './analytics.service';
import { OverviewQuery, ProblemSkusQuery, TimeseriesQuery } from './dto/analytics.query';

@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  /** Counts, business-time durations, SLA, refunds, satisfaction, backlog and each indicator's state. */
  @Get('overview')
  overview(@CurrentPrincipal() principal: Principal, @Query() query: OverviewQuery): Promise<OverviewView> {
    return this.analytics.overview(principal.tenantId, query);
  }

  /** One figure per hour or day on the zone's wall clock, empty buckets included, for charts. */
  @Get('timeseries')
  timeseries(
    @CurrentPrincipal() principal: Principal,
    @Query() query: TimeseriesQuery,
  ): Promise<TimeseriesView> {
    return this.analytics.timeseries(principal.tenantId, query);
  }

  /** SKUs by after-sales cases, against the previous period of the same length. */
  @Get('problem-skus')
  problemSkus(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ProblemSkusQuery,
  ): Promise<ProblemSkusView> {
    return this.analytics.problemSkus(principal.tenantId, query);
  }
}
