/** Thresholds of the early-warning indicators; durations in seconds of business time, shares as 0..1. */
export interface IndicatorPolicy {
  firstResponseP90Seconds: number;
  handlingP90Seconds: number;
  satisfactionMin: number;
  slaAttainmentMin: number;
  breachCountMax: number;
  /** A SKU whose cases rose by at least this share against the previous period (1.0 = doubled) is flagged. */
  problemSkuRiseMin: number;
  /** The rolling period the periodic check evaluates, ending now. */
  windowHours: number;
}

export const INDICATOR_KEYS = [
  'first_response_p90',
  'handling_p90',
  'satisfaction',
  'sla_attainment',
  'breach_count',
  'problem_sku_rise',
] as const;
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];

export type IndicatorState = 'ok' | 'warning' | 'breached';

export interface IndicatorReading {
  key: IndicatorKey;
  value: number | null;
  threshold: number;
  /** Which side of the threshold is healthy. */
  comparator: 'lte' | 'gte';
  unit: 'seconds' | 'ratio' | 'count';
  state: IndicatorState;
}
