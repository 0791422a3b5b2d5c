import { DEFAULT_INDICATOR_POLICY } from '../../config/indicators.defaults';
import { evaluateIndicators, transitionOf, type IndicatorFigures } from './indicators';

const healthy: IndicatorFigures = {
  firstResponseP90Seconds: 1800,
  handlingP90Seconds: 3600,
  satisfiedShare: 1,
  slaAttainment: 1,
  breachCount: 0,
  problemSkuRise: 0,
};

function states(figures: Partial<IndicatorFigures>): Record<string, string> {
  return Object.fromEntries(
    evaluateIndicators({ ...healthy, ...figures }, DEFAULT_INDICATOR_POLICY).map((r) => [r.key, r.state]),
  );
}

describe('evaluateIndicators', () => {
  it('reports every indicator ok when the figures are well inside their thresholds', () => {
    expect(Object.values(states({}))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('warns at 75 % of a duration threshold and breaches above it', () => {
    expect(states({ firstResponseP90Seconds: 5399 }).first_response_p90).toBe('ok');
    expect(states({ firstResponseP90Seconds: 5400 }).first_response_p90).toBe('warning');
    expect(states({ firstResponseP90Seconds: 7200 }).first_response_p90).toBe('warning');
    expect(states({ firstResponseP90Seconds: 7201 }).first_response_p90).toBe('breached');
  });

  it('warns once 75 % of the allowed shortfall of a share is used, and breaches below the minimum', () => {
    expect(states({ satisfiedShare: 0.93 }).satisfaction).toBe('ok');
    expect(states({ satisfiedShare: 0.92 }).satisfaction).toBe('warning');
    expect(states({ satisfiedShare: 0.9 }).satisfaction).toBe('warning');
    expect(states({ satisfiedShare: 0.89 }).satisfaction).toBe('breached');
  });

  it('breaches on the first SLA breach when none are allowed, with no warning before it', () => {
    expect(states({ breachCount: 0 }).breach_count).toBe('ok');
    expect(states({ breachCount: 1 }).breach_count).toBe('breached');
  });

  it('breaches on a problem-SKU rise of exactly the threshold', () => {
    expect(states({ problemSkuRise: 0.74 }).problem_sku_rise).toBe('ok');
    expect(states({ problemSkuRise: 0.8 }).problem_sku_rise).toBe('warning');
    expect(states({ problemSkuRise: 1 }).problem_sku_rise).toBe('breached');
  });

  it('treats a period without data as ok, with a null value', () => {
    const readings = evaluateIndicators(
      { ...healthy, firstResponseP90Seconds: null, satisfiedShare: null },
      DEFAULT_INDICATOR_POLICY,
    );
    expect(readings[0]).toMatchObject({ value: null, state: 'ok', threshold: 7200, comparator: 'lte' });
    expect(readings[2]).toMatchObject({ value: null, state: 'ok', threshold: 0.9, comparator: 'gte' });
  });
});

describe('transitionOf', () => {
  it('announces entering and leaving breached, once each, and nothing for warnings', () => {
    expect(transitionOf(null, 'breached')).toBe('threshold_crossed');
    expect(transitionOf('warning', 'breached')).toBe('threshold_crossed');
    expect(transitionOf('breached', 'breached')).toBeNull();
    expect(transitionOf('breached', 'warning')).toBe('recovered');
    expect(transitionOf('ok', 'warning')).toBeNull();
    expect(transitionOf(null, 'ok')).toBeNull();
  });
});
