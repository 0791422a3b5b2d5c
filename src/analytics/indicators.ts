import { SLA_WARNING_RATIO } from '../../config/sla.defaults';
import type {
  IndicatorKey,
  IndicatorPolicy,
  IndicatorReading,
  IndicatorState,
} from './indicator-policy.types';

/** The measured side of each indicator over one period; null where the period has no data for it. */
export interface IndicatorFigures {
  firstResponseP90Seconds: number | null;
  handlingP90Seconds: number | null;
  /** Share of satisfaction responses scoring 4 or 5. */
  satisfiedShare: number | null;
  slaAttainment: number | null;
  breachCount: number;
  /** The largest rise of a problem SKU against the previous period (1.0 = doubled). */
  problemSkuRise: number | null;
}

/**
 * At most: breached above the threshold; a warning once the value has used `SLA_WARNING_RATIO` of it, the
 * same early-warning point as the SLA clocks. `inclusive` breaches at the threshold itself (a rise "of 100 %
 * or more").
 */
function atMost(value: number, threshold: number, inclusive = false): IndicatorState {
  if (inclusive ? value >= threshold : value > threshold) return 'breached';
  if (threshold > 0 && value > 0 && value >= threshold * SLA_WARNING_RATIO) return 'warning';
  return 'ok';
}

/** At least, for shares: breached below; a warning once the shortfall has used that much of the allowance. */
function atLeast(value: number, threshold: number): IndicatorState {
  if (value < threshold) return 'breached';
  const allowance = 1 - threshold;
  const shortfall = 1 - value;
  if (allowance > 0 && shortfall > 0 && shortfall >= allowance * SLA_WARNING_RATIO) return 'warning';
  return 'ok';
}

function reading(
  key: IndicatorKey,
  value: number | null,
  threshold: number,
  comparator: IndicatorReading['comparator'],
  unit: IndicatorReading['unit'],
  inclusive = false,
): IndicatorReading {
  const state: IndicatorState =
    value === null
      ? 'ok'
      : comparator === 'lte'
        ? atMost(value, threshold, inclusive)
        : atLeast(value, threshold);
  return { key, value, threshold, comparator, unit, state };
}

/** Each early-warning indicator beside its threshold; no data is not a warning. */
export function evaluateIndicators(figures: IndicatorFigures, policy: IndicatorPolicy): IndicatorReading[] {
  return [
    reading(
      'first_response_p90',
      figures.firstResponseP90Seconds,
      policy.firstResponseP90Seconds,
      'lte',
      'seconds',
    ),
    reading('handling_p90', figures.handlingP90Seconds, policy.handlingP90Seconds, 'lte', 'seconds'),
    reading('satisfaction', figures.satisfiedShare, policy.satisfactionMin, 'gte', 'ratio'),
    reading('sla_attainment', figures.slaAttainment, policy.slaAttainmentMin, 'gte', 'ratio'),
    reading('breach_count', figures.breachCount, policy.breachCountMax, 'lte', 'count'),
    reading('problem_sku_rise', figures.problemSkuRise, policy.problemSkuRiseMin, 'lte', 'ratio', true),
  ];
}

export type IndicatorTransition = 'threshold_crossed' | 'recovered' | null;

/** A crossing is entering `breached`; a recovery is leaving it. Warnings move without an announcement. */
export function transitionOf(previous: IndicatorState | null, current: IndicatorState): IndicatorTransition {
  const was = previous === 'breached';
  const is = current === 'breached';
  if (!was && is) return 'threshold_crossed';
  if (was && !is) return 'recovered';
  return null;
}
