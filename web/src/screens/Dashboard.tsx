import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { ErrorNote, Section } from '../components';
import { useWorkbench } from '../context';
import { ApiError } from '../lib/api';
import { formatDuration, formatMoney, formatRatio, type Locale } from '../lib/format';
import type { Translate } from '../lib/i18n';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

interface Indicator {
  key: string;
  value: number | null;
  threshold: number;
  comparator: 'lte' | 'gte';
  unit: 'seconds' | 'ratio' | 'count';
  state: 'ok' | 'warning' | 'breached';
}

interface Overview {
  counts: { total: number; byPlatform: Record<string, number>; byCategory: Record<string, number> };
  firstResponse: {
    count: number;
    meanSeconds: number | null;
    p50Seconds: number | null;
    p90Seconds: number | null;
  };
  resolution: {
    count: number;
    meanSeconds: number | null;
    p50Seconds: number | null;
    p90Seconds: number | null;
  };
  sla: { total: number; met: number; warned: number; breached: number; attainment: number | null };
  firstContactResolution: { solved: number; singleTouch: number; rate: number | null };
  refunds: { currency: string; count: number; amount: string }[];
  satisfaction: { responses: number; average: number | null; satisfiedShare: number | null };
  reopenRate: number | null;
  backlog: { open: number; meanAgeSeconds: number | null; oldestAgeSeconds: number | null };
  indicators: Indicator[];
}

interface Series {
  data: { bucket: string; value: number | null; groups?: Record<string, number> }[];
}

interface ProblemSku {
  sku: string;
  title: string | null;
  count: number;
  share: number | null;
  previousCount: number;
  change: number | null;
  dominantCategory: string | null;
  flagged: boolean;
}

const PERIODS = { last1: 1, last7: 7, last30: 30 } as const;

function indicatorValue(indicator: Pick<Indicator, 'unit'>, value: number | null, locale: Locale): string {
  if (value === null) return '—';
  if (indicator.unit === 'seconds') return formatDuration(value, locale);
  if (indicator.unit === 'ratio') return formatRatio(value);
  return String(value);
}

function Chart({ option, testId }: { option: echarts.EChartsCoreOption; testId: string }) {
  const element = useRef<HTMLDivElement>(null);
  const [rendered, setRendered] = useState(false);
  useEffect(() => {
    if (!element.current) return;
    const chart = echarts.init(element.current, undefined, { renderer: 'canvas' });
    chart.on('finished', () => setRendered(true));
    chart.setOption(option);
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [option]);
  return (
    <div ref={element} className="chart" data-testid={testId} data-rendered={rendered ? 'true' : 'false'} />
  );
}

/** A stacked bar per bucket, one series per group, and the totals beside it. */
function groupedOption(
  series: Series,
  label: (key: string) => string,
  timeLabel: (bucket: string) => string,
) {
  const groups = [...new Set(series.data.flatMap((point) => Object.keys(point.groups ?? {})))];
  return {
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 40, right: 10, top: 10, bottom: 50 },
    xAxis: { type: 'category', data: series.data.map((point) => timeLabel(point.bucket)) },
    yAxis: { type: 'value', minInterval: 1 },
    series:
      groups.length > 0
        ? groups.map((group) => ({
            name: label(group),
            type: 'bar',
            stack: 'total',
            data: series.data.map((point) => point.groups?.[group] ?? 0),
          }))
        : [{ type: 'bar', data: series.data.map((point) => point.value ?? 0) }],
  };
}

function Totals({ counts, label }: { counts: Record<string, number>; label: (key: string) => string }) {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return (
    <table className="plain numbers">
      <tbody>
        {rows.map(([key, value]) => (
          <tr key={key}>
            <td>{label(key)}</td>
            <td className="num">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function Dashboard() {
  const { api, t, locale, timeZone } = useWorkbench();
  const [period, setPeriod] = useState<keyof typeof PERIODS>('last7');
  const [overview, setOverview] = useState<Overview | null>(null);
  const [byPlatform, setByPlatform] = useState<Series | null>(null);
  const [byCategory, setByCategory] = useState<Series | null>(null);
  const [refunds, setRefunds] = useState<Series | null>(null);
  const [skus, setSkus] = useState<ProblemSku[]>([]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const to = new Date();
    const from = new Date(to.getTime() - PERIODS[period] * 86_400_000);
    const interval = period === 'last1' ? 'hour' : 'day';
    const range = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), tz: timeZone });
    const series = (metric: string, groupBy?: string) =>
      api.get<Series>(
        `/v1/analytics/timeseries?${new URLSearchParams({ ...Object.fromEntries(range), metric, interval, ...(groupBy ? { groupBy } : {}) }).toString()}`,
      );
    setError(null);
    Promise.all([
      api.get<Overview>(`/v1/analytics/overview?${range.toString()}`),
      series('volume', 'platform'),
      series('volume', 'category'),
      series('refunds'),
      api.get<{ data: ProblemSku[] }>(
        `/v1/analytics/problem-skus?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}&limit=10`,
      ),
    ]).then(
      ([overviewBody, platformSeries, categorySeries, refundSeries, skuBody]) => {
        setOverview(overviewBody);
        setByPlatform(platformSeries);
        setByCategory(categorySeries);
        setRefunds(refundSeries);
        setSkus(skuBody.data);
      },
      (failure: unknown) => setError(failure),
    );
  }, [api, period, timeZone]);

  const bucketLabel = (bucket: string) => (period === 'last1' ? bucket.slice(11, 16) : bucket.slice(5, 10));
  const platformLabel = (key: string) => t(`platform.${key}`);
  const categoryLabel = (key: string) => t(`category.${key}`);

  return (
    <div className="dashboard" data-testid="dashboard">
      <div className="row">
        <label className="inline">
          {t('period')}
          <select
            name="period"
            value={period}
            onChange={(e) => setPeriod(e.target.value as keyof typeof PERIODS)}
          >
            {Object.keys(PERIODS).map((key) => (
              <option key={key} value={key}>
                {t(key)}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">{timeZone}</span>
      </div>
      {error instanceof ApiError && error.status === 404 ? (
        <p className="notice">{t('analyticsMissing')}</p>
      ) : (
        <ErrorNote error={error} />
      )}
      {overview && (
        <>
          <Section title={t('indicators')} testId="indicators">
            <div className="indicators">
              {overview.indicators.map((indicator) => (
                <div
                  key={indicator.key}
                  className={`indicator indicator-${indicator.state}`}
                  data-testid="indicator"
                  data-key={indicator.key}
                  data-state={indicator.state}
                >
                  <div className="indicator-name">{t(`indicator.${indicator.key}`)}</div>
                  <div className="indicator-value">{indicatorValue(indicator, indicator.value, locale)}</div>
                  <div className="muted small">
                    {t('threshold')} {indicator.comparator === 'lte' ? '≤' : '≥'}{' '}
                    {indicatorValue(indicator, indicator.threshold, locale)} ·{' '}
                    {t(`indicatorState.${indicator.state}`)}
                  </div>
                </div>
              ))}
            </div>
            <Figures overview={overview} t={t} locale={locale} />
          </Section>
          <div className="chart-grid">
            <Section title={t('volumeByPlatform')} testId="volume-platform">
              <div className="chart-with-numbers">
                {byPlatform && (
                  <Chart
                    testId="chart-platform"
                    option={groupedOption(byPlatform, platformLabel, bucketLabel)}
                  />
                )}
                <Totals counts={overview.counts.byPlatform} label={platformLabel} />
              </div>
            </Section>
            <Section title={t('volumeByCategory')} testId="volume-category">
              <div className="chart-with-numbers">
                {byCategory && (
                  <Chart
                    testId="chart-category"
                    option={groupedOption(byCategory, categoryLabel, bucketLabel)}
                  />
                )}
                <Totals counts={overview.counts.byCategory} label={categoryLabel} />
              </div>
            </Section>
            <Section title={t('refunds')} testId="refunds">
              <div className="chart-with-numbers">
                {refunds && (
                  <Chart testId="chart-refunds" option={groupedOption(refunds, (key) => key, bucketLabel)} />
                )}
                <table className="plain numbers">
                  <tbody>
                    {overview.refunds.map((refund) => (
                      <tr key={refund.currency}>
                        <td>{formatMoney({ amount: refund.amount, currency: refund.currency }, locale)}</td>
                        <td className="num">
                          {refund.count} {t('refundCount')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Section>
            <Section title={t('problemSkus')} testId="problem-skus">
              <div className="chart-with-numbers">
                {skus.length > 0 && (
                  <Chart
                    testId="chart-skus"
                    option={{
                      tooltip: { trigger: 'axis' },
                      grid: { left: 110, right: 10, top: 10, bottom: 20 },
                      xAxis: { type: 'value', minInterval: 1 },
                      yAxis: { type: 'category', inverse: true, data: skus.map((sku) => sku.sku) },
                      series: [
                        {
                          type: 'bar',
                          data: skus.map((sku) => ({
                            value: sku.count,
                            itemStyle: { color: sku.flagged ? '#d03030' : '#5470c6' },
                          })),
                        },
                      ],
                    }}
                  />
                )}
                <table className="plain numbers">
                  <thead>
                    <tr>
                      <th>SKU</th>
                      <th className="num">{t('total')}</th>
                      <th className="num">{t('share')}</th>
                      <th className="num">{t('change')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {skus.map((sku) => (
                      <tr key={sku.sku} className={sku.flagged ? 'crossed' : ''}>
                        <td title={sku.title ?? ''}>{sku.sku}</td>
                        <td className="num">{sku.count}</td>
                        <td className="num">{formatRatio(sku.share)}</td>
                        <td className="num">{sku.change === null ? '—' : formatRatio(sku.change)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Section>
          </div>
        </>
      )}
    </div>
  );
}

function Figures({ overview, t, locale }: { overview: Overview; t: Translate; locale: Locale }) {
  const rows: [string, string][] = [
    [t('total'), String(overview.counts.total)],
    [
      `${t('indicator.first_response_p90')} (p50)`,
      `${formatDuration(overview.firstResponse.p90Seconds, locale)} (${formatDuration(overview.firstResponse.p50Seconds, locale)})`,
    ],
    [
      `${t('indicator.handling_p90')} (p50)`,
      `${formatDuration(overview.resolution.p90Seconds, locale)} (${formatDuration(overview.resolution.p50Seconds, locale)})`,
    ],
    [
      t('indicator.sla_attainment'),
      `${formatRatio(overview.sla.attainment)} (${overview.sla.met}/${overview.sla.total})`,
    ],
    [t('fcr'), formatRatio(overview.firstContactResolution.rate)],
    [
      t('indicator.satisfaction'),
      `${overview.satisfaction.average === null ? '—' : `${overview.satisfaction.average.toFixed(1)}/5`} · ${formatRatio(overview.satisfaction.satisfiedShare)} (${overview.satisfaction.responses})`,
    ],
    [t('reopenRate'), formatRatio(overview.reopenRate)],
    [
      t('backlog'),
      `${overview.backlog.open} · ${t('oldest')} ${formatDuration(overview.backlog.oldestAgeSeconds, locale)}`,
    ],
  ];
  return (
    <table className="plain figures">
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <td>{label}</td>
            <td className="num">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
