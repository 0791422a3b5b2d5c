import type { IndicatorPolicy } from '../src/analytics/indicator-policy.types';

/**
 * Early-warning thresholds until a tenant saves its own (`PUT /v1/policies/indicators`), from the service
 * plan: first response p90 ≤ 2 h, handling p90 ≤ 24 h, satisfaction ≥ 90 %, SLA attainment ≥ 95 %, no breaches,
 * and a problem SKU whose cases at least double against the previous period.
 */
export const DEFAULT_INDICATOR_POLICY: IndicatorPolicy = {
  firstResponseP90Seconds: 2 * 3600,
  handlingP90Seconds: 24 * 3600,
  satisfactionMin: 0.9,
  slaAttainmentMin: 0.95,
  breachCountMax: 0,
  problemSkuRiseMin: 1.0,
  windowHours: 24,
};

/**
 * A problem SKU needs at least this many cases in the period before its rise counts: two cases after one is a
 * 100 % rise but no signal.
 */
export const PROBLEM_SKU_MIN_CASES = 5;
