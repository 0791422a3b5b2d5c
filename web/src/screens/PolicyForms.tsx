import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ErrorNote, MultiSelect, Section, useCloseDropdowns } from '../components';
import { useWorkbench } from '../context';
import { ApiError, type Money, type Page } from '../lib/api';
import { formatDateTime, formatMoney, startOfDayIn } from '../lib/format';
import { hasMessage } from '../lib/i18n';
import {
  ASSIGNEE_MODES,
  autoRefundBody,
  autoRefundDraft,
  autoRefundFields,
  CONDITION_LISTS,
  DELIVERY_UNKNOWN,
  emptyRule,
  moveRule,
  problemsByField,
  problemText,
  routingBody,
  routingDraft,
  routingFields,
  unplacedProblems,
  type AutoRefundDraft,
  type AutoRefundPolicyJson,
  type MoneyDraft,
  type RoutingDraft,
  type RoutingSettingsJson,
  type RuleDraft,
} from '../lib/policy-forms';
import { CATEGORIES, DEPARTMENTS, KINDS, PLATFORMS, SEVERITIES } from '../lib/vocabulary';

/** Loads a policy once, saves it whole; a 400's problems by field for the form to place. */
function usePolicy<T>(path: string) {
  const { api } = useWorkbench();
  const [data, setData] = useState<T | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const load = useCallback(() => {
    api.get<T>(path).then(
      (value) => {
        setData(value);
        setLoadError(null);
      },
      (failure: unknown) => setLoadError(failure),
    );
  }, [api, path]);
  useEffect(load, [load]);
  const save = async (body: Record<string, unknown>): Promise<T | null> => {
    setSaved(false);
    setSaveError(null);
    try {
      const value = await api.send<T>('PUT', path, body);
      setSaved(true);
      setData(value);
      return value;
    } catch (failure) {
      setSaveError(failure);
      return null;
    }
  };
  const problems = problemsByField(saveError instanceof ApiError ? saveError.body.details : undefined);
  /** Problems name fields by position: once rows move, they no longer point at the right ones. */
  const clearProblems = () => setSaveError(null);
  return { data, loadError, load, save, saveError, saved, problems, clearProblems };
}

/** The problems the server found with one field, under it. */
function Problems({ problems, field }: { problems: Map<string, string[]>; field: string }) {
  const { locale } = useWorkbench();
  const list = problems.get(field);
  if (!list) return null;
  return (
    <span className="field-error" data-field-error={field}>
      {list.map((problem) => problemText(field, problem, locale)).join('；')}
    </span>
  );
}

/** Above the form: that the save failed, and the problems no field of the form shows. */
function SaveError({ error, unplaced }: { error: unknown; unplaced: string[] }) {
  const { t } = useWorkbench();
  if (!error) return null;
  if (!(error instanceof ApiError) || error.status !== 400) return <ErrorNote error={error} />;
  return (
    <div className="error" role="alert">
      {t('notSaved')}
      {unplaced.length > 0 && (
        <ul>
          {unplaced.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Checks(props: {
  name: string;
  options: readonly string[];
  value: string[];
  render: (option: string) => string;
  onChange: (value: string[]) => void;
}) {
  return (
    <div className="checks" data-checks={props.name}>
      {props.options.map((option) => (
        <label key={option} className="radio">
          <input
            type="checkbox"
            name={`${props.name}.${option}`}
            checked={props.value.includes(option)}
            onChange={(e) =>
              props.onChange(
                e.target.checked ? [...props.value, option] : props.value.filter((item) => item !== option),
              )
            }
          />
          {props.render(option)}
        </label>
      ))}
    </div>
  );
}

/** A select of translated values; `empty` adds a first choice that sends nothing. */
function Choice(props: {
  name: string;
  value: string;
  options: readonly string[];
  render: (option: string) => string;
  empty?: string;
  onChange: (value: string) => void;
}) {
  return (
    <select name={props.name} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      {props.empty !== undefined && <option value="">{props.empty}</option>}
      {props.options.map((option) => (
        <option key={option} value={option}>
          {props.render(option)}
        </option>
      ))}
    </select>
  );
}

/** Amount and currency rows, as the limits and the critical thresholds are kept. */
function MoneyRows(props: {
  name: string;
  rows: MoneyDraft[];
  problems: Map<string, string[]>;
  onChange: (rows: MoneyDraft[]) => void;
}) {
  const { t } = useWorkbench();
  const set = (index: number, change: Partial<MoneyDraft>) =>
    props.onChange(props.rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <div className="money-rows">
      {props.rows.map((row, index) => {
        const at = `${props.name}.${index}`;
        return (
          <div key={index} className="row wrap">
            <label className={props.problems.has(`${at}.amount`) ? 'invalid' : ''}>
              {t('amount')}
              <input
                name={`${at}.amount`}
                inputMode="decimal"
                value={row.amount}
                onChange={(e) => set(index, { amount: e.target.value })}
              />
              <Problems problems={props.problems} field={`${at}.amount`} />
            </label>
            <label className={props.problems.has(`${at}.currency`) ? 'invalid' : ''}>
              {t('currency')}
              <input
                name={`${at}.currency`}
                className="currency"
                maxLength={3}
                value={row.currency}
                onChange={(e) => set(index, { currency: e.target.value })}
              />
              <Problems problems={props.problems} field={`${at}.currency`} />
            </label>
            <button
              type="button"
              className="link danger"
              onClick={() => props.onChange(props.rows.filter((_, i) => i !== index))}
            >
              {t('remove')}
            </button>
            <Problems problems={props.problems} field={at} />
          </div>
        );
      })}
      <button
        type="button"
        className="link"
        data-add={props.name}
        onClick={() => props.onChange([...props.rows, { amount: '', currency: 'CNY' }])}
      >
        + {t('addLimit')}
      </button>
      <Problems problems={props.problems} field={props.name} />
    </div>
  );
}

function SaveBar({ saved, onSave, extra }: { saved: boolean; onSave: () => void; extra?: ReactNode }) {
  const { t } = useWorkbench();
  return (
    <div className="row save-bar">
      <button type="button" className="primary" name="save" onClick={onSave}>
        {t('save')}
      </button>
      {saved && <span className="ok">{t('saved')}</span>}
      {extra}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------

export function AutoRefundSettings() {
  const { t } = useWorkbench();
  const policy = usePolicy<AutoRefundPolicyJson & { source: string }>('/v1/policies/auto-refund');
  const [draft, setDraft] = useState<AutoRefundDraft | null>(null);
  useEffect(() => {
    if (policy.data) setDraft(autoRefundDraft(policy.data));
  }, [policy.data]);
  if (!draft) return <ErrorNote error={policy.loadError} onRetry={policy.load} />;
  const { problems } = policy;
  const set = (change: Partial<AutoRefundDraft>) => setDraft({ ...draft, ...change });
  const invalid = (field: string) => (problems.has(field) ? 'invalid' : '');
  const save = () => policy.save(autoRefundBody(draft));
  return (
    <>
      <Section
        title={
          <>
            {t('autoRefund')}{' '}
            <span className="pill">
              {policy.data?.source === 'tenant' ? t('ownPolicy') : t('defaultPolicy')}
            </span>
          </>
        }
        testId="auto-refund-form"
      >
        <SaveError error={policy.saveError} unplaced={unplacedProblems(problems, autoRefundFields(draft))} />
        <div className="row wrap toggles">
          <label className="radio">
            <input
              type="checkbox"
              name="enabled"
              checked={draft.enabled}
              onChange={(e) => set({ enabled: e.target.checked })}
            />
            {t('enabled')}
          </label>
          <label className="radio">
            <input
              type="checkbox"
              name="dryRun"
              checked={draft.dryRun}
              onChange={(e) => set({ dryRun: e.target.checked })}
            />
            {t('dryRun')}
          </label>
          <span className="muted small">
            {!draft.enabled ? t('autoRefundOff') : draft.dryRun ? t('autoRefundDry') : t('autoRefundLive')}
          </span>
        </div>
        <div className="grid2">
          <fieldset>
            <legend>{t('maxAmounts')}</legend>
            <p className="muted small">{t('maxAmountsHint')}</p>
            <MoneyRows
              name="maxAmounts"
              rows={draft.maxAmounts}
              problems={problems}
              onChange={(maxAmounts) => set({ maxAmounts })}
            />
          </fieldset>
          <fieldset>
            <legend>{t('deliveryWindow')}</legend>
            <label className="radio">
              <input
                type="checkbox"
                name="windowOn"
                checked={draft.windowOn}
                onChange={(e) => set({ windowOn: e.target.checked })}
              />
              {t('windowOn')}
            </label>
            {draft.windowOn && (
              <label className={invalid('withinDaysOfDelivery')}>
                {t('withinDays')}
                <input
                  name="withinDaysOfDelivery"
                  inputMode="numeric"
                  value={draft.withinDaysOfDelivery}
                  onChange={(e) => set({ withinDaysOfDelivery: e.target.value })}
                />
                <Problems problems={problems} field="withinDaysOfDelivery" />
              </label>
            )}
            <label className={invalid('whenDeliveryUnknown')}>
              {t('whenDeliveryUnknown')}
              <Choice
                name="whenDeliveryUnknown"
                value={draft.whenDeliveryUnknown}
                options={DELIVERY_UNKNOWN}
                render={(rule) => t(`deliveryUnknown.${rule}`)}
                onChange={(whenDeliveryUnknown) => set({ whenDeliveryUnknown })}
              />
              <Problems problems={problems} field="whenDeliveryUnknown" />
            </label>
          </fieldset>
          <fieldset className={invalid('kinds')}>
            <legend>{t('kinds')}</legend>
            <Checks
              name="kinds"
              options={KINDS}
              value={draft.kinds}
              render={(kind) => t(`kind.${kind}`)}
              onChange={(kinds) => set({ kinds })}
            />
            <Problems problems={problems} field="kinds" />
          </fieldset>
          <fieldset className={invalid('excludeCategories')}>
            <legend>{t('excludeCategories')}</legend>
            <Checks
              name="excludeCategories"
              options={CATEGORIES}
              value={draft.excludeCategories}
              render={(category) => t(`category.${category}`)}
              onChange={(excludeCategories) => set({ excludeCategories })}
            />
            <Problems problems={problems} field="excludeCategories" />
          </fieldset>
          <fieldset className="span2">
            <legend>{t('flaggedBuyers')}</legend>
            <label className="radio">
              <input
                type="checkbox"
                name="excludeFlaggedBuyers"
                checked={draft.excludeFlaggedBuyers}
                onChange={(e) => set({ excludeFlaggedBuyers: e.target.checked })}
              />
              {t('excludeFlaggedBuyers')}
            </label>
            <label className={invalid('flaggedBuyerIds')}>
              {t('flaggedBuyerIds')}
              <textarea
                name="flaggedBuyerIds"
                rows={3}
                value={draft.flaggedBuyerIds}
                onChange={(e) => set({ flaggedBuyerIds: e.target.value })}
              />
              <Problems problems={problems} field="flaggedBuyerIds" />
            </label>
          </fieldset>
        </div>
        <SaveBar saved={policy.saved} onSave={() => void save()} />
      </Section>
      <DecisionLog />
    </>
  );
}

interface Decision {
  id: string;
  ticketId: string;
  ticketNumber: number;
  platform: string;
  outcome: 'approved' | 'dry_run' | 'skipped';
  dryRun: boolean;
  amount: Money | null;
  rules: { rule: string; limit: string | null }[];
  reason: string | null;
  decidedAt: string;
}

const OUTCOMES = ['dry_run', 'approved', 'skipped'] as const;

/** The auto-refund log: newest first, by outcome and tenant-local days, with "load more". */
function DecisionLog() {
  const { t, api, locale, timeZone, onLive } = useWorkbench();
  const [outcome, setOutcome] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [rows, setRows] = useState<Decision[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const query = useCallback(
    (cursor: string | null) => {
      const params = new URLSearchParams({ limit: '50' });
      if (outcome) params.set('outcome', outcome);
      if (from) params.set('from', startOfDayIn(from, timeZone));
      if (to) params.set('to', startOfDayIn(to, timeZone, true));
      if (cursor) params.set('cursor', cursor);
      return api.get<Page<Decision>>(`/v1/policies/auto-refund/decisions?${params.toString()}`);
    },
    [api, outcome, from, to, timeZone],
  );
  const reload = useCallback(() => {
    setLoading(true);
    query(null).then(
      (page) => {
        setRows(page.data);
        setNext(page.nextCursor);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        setError(failure);
        setLoading(false);
      },
    );
  }, [query]);
  useEffect(reload, [reload]);
  // A new ticket is decided right after it is stored: look again shortly after one arrives.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const off = onLive((event) => {
      if (event.type !== 'ticket.created' && event.type !== 'resync' && event.type !== 'poll') return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(reload, 1_500);
    });
    return () => {
      off();
      if (timer.current) clearTimeout(timer.current);
    };
  }, [onLive, reload]);
  // The hub words its reasons in English; in Chinese, the rule that said no says it.
  const reasonText = (row: Decision): string => {
    const rule = row.rules[0]?.rule;
    if (row.outcome !== 'skipped' || !row.reason) return '';
    return locale === 'zh' && rule && hasMessage(`reason.${rule}`) ? t(`reason.${rule}`) : row.reason;
  };
  const more = () =>
    next &&
    query(next).then(
      (page) => {
        setRows([...rows, ...page.data]);
        setNext(page.nextCursor);
      },
      (failure: unknown) => setError(failure),
    );
  return (
    <Section
      title={t('dryRunLog')}
      testId="auto-refund-log"
      actions={
        <button type="button" name="refresh-log" onClick={reload}>
          {t('refresh')}
        </button>
      }
    >
      <div className="row wrap log-filters">
        <label>
          {t('outcome')}
          <Choice
            name="outcome"
            value={outcome}
            empty={t('any')}
            options={OUTCOMES}
            render={(value) => t(`outcome.${value}`)}
            onChange={setOutcome}
          />
        </label>
        <label>
          {t('decidedFrom')}
          <input type="date" name="from" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('decidedTo')}
          <input type="date" name="to" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      <ErrorNote error={error} onRetry={reload} />
      <table className="plain decisions" data-loading={loading}>
        <thead>
          <tr>
            <th>{t('decidedAt')}</th>
            <th>{t('colNumber')}</th>
            <th>{t('platform')}</th>
            <th>{t('outcome')}</th>
            <th className="num">{t('amount')}</th>
            <th>{t('decidingRules')}</th>
            <th>{t('reason')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.id}
              data-testid="decision-row"
              data-ticket-id={row.ticketId}
              data-outcome={row.outcome}
            >
              <td>{formatDateTime(row.decidedAt, timeZone)}</td>
              <td>
                <a href={`#/tickets/${row.ticketId}`}>#{row.ticketNumber}</a>
              </td>
              <td>{t(`platform.${row.platform}`)}</td>
              <td>
                <span className={`pill outcome-${row.outcome}`}>{t(`outcome.${row.outcome}`)}</span>
                {row.outcome === 'skipped' && row.dryRun && (
                  <span className="muted small"> · {t('inDryRun')}</span>
                )}
              </td>
              <td className="num">{formatMoney(row.amount, locale)}</td>
              <td>
                {row.rules.map((rule) => (
                  <span key={rule.rule} className="tag">
                    {t(`rule.${rule.rule}`)}
                    {rule.limit ? `: ${rule.limit}` : ''}
                  </span>
                ))}
              </td>
              <td className="muted small" title={row.reason ?? ''}>
                {reasonText(row)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && rows.length === 0 && <p className="empty">{t('autoRefundLogEmpty')}</p>}
      {next && (
        <button type="button" className="more" onClick={() => void more()}>
          {t('loadMore')}
        </button>
      )}
    </Section>
  );
}

// ---------------------------------------------------------------------------------------------------------

export function RoutingSettings() {
  const { t } = useWorkbench();
  useCloseDropdowns();
  const settings = usePolicy<RoutingSettingsJson & { source: string }>('/v1/routing-rules');
  const [draft, setDraft] = useState<RoutingDraft | null>(null);
  const [raw, setRaw] = useState<string | null>(null);
  useEffect(() => {
    if (settings.data) setDraft(routingDraft(settings.data));
  }, [settings.data]);
  if (!draft) return <ErrorNote error={settings.loadError} onRetry={settings.load} />;
  const { problems } = settings;
  const setRule = (index: number, change: Partial<RuleDraft>) =>
    setDraft({
      ...draft,
      rules: draft.rules.map((rule, at) => (at === index ? { ...rule, ...change } : rule)),
    });
  const save = async () => {
    let body: Record<string, unknown> = routingBody(draft);
    if (raw !== null) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return;
      }
    }
    const value = await settings.save(body);
    if (value && raw !== null) setRaw(JSON.stringify(routingBody(routingDraft(value)), null, 2));
  };
  let rawError: string | null = null;
  if (raw !== null) {
    try {
      JSON.parse(raw);
    } catch (failure) {
      rawError = (failure as Error).message;
    }
  }
  return (
    <Section
      title={
        <>
          {t('routingRules')}{' '}
          <span className="pill">
            {settings.data?.source === 'tenant' ? t('ownPolicy') : t('defaultPolicy')}
          </span>
        </>
      }
      testId="routing-form"
      actions={
        <label className="radio small">
          <input
            type="checkbox"
            name="rawJson"
            checked={raw !== null}
            onChange={(e) => {
              if (!e.target.checked && raw !== null && !rawError) {
                setDraft(routingDraft(JSON.parse(raw) as RoutingSettingsJson));
              }
              setRaw(e.target.checked ? JSON.stringify(routingBody(draft), null, 2) : null);
            }}
          />
          {t('rawJson')}
        </label>
      }
    >
      <p className="muted small">
        {t('routingHint')} {t('ruleWhenHint')}
      </p>
      <SaveError
        error={settings.saveError}
        unplaced={
          raw !== null
            ? [...problems.entries()].flatMap(([f, l]) => l.map((p) => `${f}: ${p}`))
            : unplacedProblems(problems, routingFields(draft))
        }
      />
      {raw !== null ? (
        <>
          <textarea
            className="code"
            name="routing-json"
            rows={24}
            value={raw}
            onChange={(e) => setRaw(e.target.value)}
          />
          {rawError && <p className="error">{rawError}</p>}
        </>
      ) : (
        <>
          <ol className="rules">
            {draft.rules.map((rule, index) => (
              <RuleEditor
                key={rule.key}
                index={index}
                count={draft.rules.length}
                rule={rule}
                problems={problems}
                onChange={(change) => setRule(index, change)}
                onMove={(by) => {
                  settings.clearProblems();
                  setDraft({ ...draft, rules: moveRule(draft.rules, index, by) });
                }}
                onRemove={() => {
                  settings.clearProblems();
                  setDraft({ ...draft, rules: draft.rules.filter((_, at) => at !== index) });
                }}
              />
            ))}
          </ol>
          <button
            type="button"
            name="add-rule"
            onClick={() => setDraft({ ...draft, rules: [...draft.rules, emptyRule()] })}
          >
            + {t('addRule')}
          </button>
          <fieldset className="thresholds">
            <legend>{t('severityThresholds')}</legend>
            <div className="grid2">
              <div>
                <p className="muted small">{t('criticalAmountsHint')}</p>
                <MoneyRows
                  name="thresholds.criticalAmounts"
                  rows={draft.criticalAmounts}
                  problems={problems}
                  onChange={(criticalAmounts) => setDraft({ ...draft, criticalAmounts })}
                />
              </div>
              <div>
                <p className="muted small">{t('incidentHint')}</p>
                <div className="row wrap">
                  <label className={problems.has('thresholds.incident.tickets') ? 'invalid' : ''}>
                    {t('incidentTickets')}
                    <input
                      name="thresholds.incident.tickets"
                      inputMode="numeric"
                      value={draft.incidentTickets}
                      onChange={(e) => setDraft({ ...draft, incidentTickets: e.target.value })}
                    />
                    <Problems problems={problems} field="thresholds.incident.tickets" />
                  </label>
                  <label className={problems.has('thresholds.incident.windowMinutes') ? 'invalid' : ''}>
                    {t('incidentWindow')}
                    <input
                      name="thresholds.incident.windowMinutes"
                      inputMode="numeric"
                      value={draft.incidentWindowMinutes}
                      onChange={(e) => setDraft({ ...draft, incidentWindowMinutes: e.target.value })}
                    />
                    <Problems problems={problems} field="thresholds.incident.windowMinutes" />
                  </label>
                </div>
              </div>
            </div>
          </fieldset>
        </>
      )}
      <SaveBar saved={settings.saved} onSave={() => void save()} />
    </Section>
  );
}

function RuleEditor(props: {
  index: number;
  count: number;
  rule: RuleDraft;
  problems: Map<string, string[]>;
  onChange: (change: Partial<RuleDraft>) => void;
  onMove: (by: number) => void;
  onRemove: () => void;
}) {
  const { t, connections } = useWorkbench();
  const { rule, problems, onChange, index } = props;
  const at = (field: string) => `rules.${index}.${field}`;
  const invalid = (field: string) => (problems.has(at(field)) ? 'invalid' : '');
  const input = (
    field: 'keywords' | 'sku' | 'tags' | 'amountMin' | 'amountMax' | 'amountCurrency' | 'assignee',
    path: string,
    label: string,
    extra: { placeholder?: string; className?: string } = {},
  ) => (
    <label className={`${invalid(path)} ${extra.className ?? ''}`}>
      {label}
      <input
        name={at(path)}
        placeholder={extra.placeholder}
        className={field === 'amountCurrency' ? 'currency' : ''}
        value={rule[field]}
        onChange={(e) => onChange({ [field]: e.target.value })}
      />
    </label>
  );
  const lists: Record<(typeof CONDITION_LISTS)[number], { label: string; options: readonly string[] }> = {
    platform: { label: t('filterPlatform'), options: PLATFORMS },
    kind: { label: t('filterKind'), options: KINDS },
    category: { label: t('filterCategory'), options: CATEGORIES },
    severity: { label: t('filterSeverity'), options: SEVERITIES },
  };
  const whenProblems = [
    ...CONDITION_LISTS.map((list) => `when.${list}`),
    'when.amount',
    'when.amount.min',
    'when.amount.max',
    'when.amount.currency',
    'when.keywords',
    'when.vip',
    'when.sku',
    'when.connectionId',
    'when',
  ];
  const thenProblems = [
    'then.department',
    'then.severity',
    'then.tags',
    'then.assignee',
    'then.assignee.roundRobin',
    'then',
  ];
  return (
    <li className="rule" data-testid="routing-rule" data-rule-index={index}>
      <div className="rule-head row">
        <span className="rule-number">{index + 1}</span>
        <label className={`grow ${invalid('name')}`}>
          <input
            name={at('name')}
            placeholder={t('ruleName')}
            aria-label={t('ruleName')}
            value={rule.name}
            onChange={(e) => onChange({ name: e.target.value })}
          />
        </label>
        <button
          type="button"
          name="up"
          title={t('moveUp')}
          disabled={index === 0}
          onClick={() => props.onMove(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          name="down"
          title={t('moveDown')}
          disabled={index === props.count - 1}
          onClick={() => props.onMove(1)}
        >
          ↓
        </button>
        <button type="button" name="remove" className="link danger" onClick={props.onRemove}>
          {t('remove')}
        </button>
      </div>
      <Problems problems={problems} field={at('name')} />
      <Problems problems={problems} field={`rules.${index}`} />
      <div className={`rule-line ${invalid('when')}`}>
        <span className="rule-word">{t('ruleWhen')}</span>
        <div className="row wrap grow">
          {CONDITION_LISTS.map((list) => (
            <div key={list} className={invalid(`when.${list}`)}>
              <MultiSelect
                label={lists[list].label}
                name={at(`when.${list}`)}
                options={lists[list].options}
                value={rule[list]}
                render={(option) => t(`${list}.${option}`)}
                showAll
                onChange={(value) => onChange({ [list]: value })}
              />
            </div>
          ))}
          {connections.size > 0 && (
            <div className={invalid('when.connectionId')}>
              <MultiSelect
                label={t('shops')}
                name={at('when.connectionId')}
                options={[...connections.keys()]}
                value={rule.connectionId}
                render={(id) => connections.get(id)?.name ?? id}
                showAll
                onChange={(connectionId) => onChange({ connectionId })}
              />
            </div>
          )}
          <label className={`inline ${invalid('when.vip')}`}>
            {t('vipBuyer')}
            <Choice
              name={at('when.vip')}
              value={rule.vip}
              empty={t('any')}
              options={['true', 'false']}
              render={(vip) => t(vip === 'true' ? 'vipOnly' : 'vipNot')}
              onChange={(vip) => onChange({ vip: vip as RuleDraft['vip'] })}
            />
          </label>
          <label className={`radio ${invalid('when.amount')}`}>
            <input
              type="checkbox"
              name={at('when.amount.on')}
              checked={rule.amountOn}
              onChange={(e) => onChange({ amountOn: e.target.checked })}
            />
            {t('amountRange')}
          </label>
          {rule.amountOn && (
            <>
              {input('amountMin', 'when.amount.min', t('amountMin'), { className: 'short' })}
              {input('amountMax', 'when.amount.max', t('amountMax'), { className: 'short' })}
              {input('amountCurrency', 'when.amount.currency', t('amountCurrency'))}
            </>
          )}
        </div>
      </div>
      <div className="rule-line">
        <span className="rule-word" />
        <div className="row wrap grow">
          {input('keywords', 'when.keywords', t('keywords'), {
            placeholder: t('keywordsHint'),
            className: 'grow',
          })}
          {input('sku', 'when.sku', t('skus'), { placeholder: t('skuHint'), className: 'grow' })}
        </div>
      </div>
      {whenProblems.map((field) => (
        <Problems key={field} problems={problems} field={at(field)} />
      ))}
      <div className={`rule-line ${invalid('then')}`}>
        <span className="rule-word">{t('ruleThen')}</span>
        <div className="row wrap grow">
          <label className={invalid('then.department')}>
            {t('colDepartment')}
            <Choice
              name={at('then.department')}
              value={rule.department}
              empty={t('keepAsIs')}
              options={DEPARTMENTS}
              render={(department) => t(`department.${department}`)}
              onChange={(department) => onChange({ department })}
            />
          </label>
          <label className={invalid('then.severity')}>
            {t('colSeverity')}
            <Choice
              name={at('then.severity')}
              value={rule.setSeverity}
              empty={t('keepAsIs')}
              options={SEVERITIES}
              render={(severity) => t(`severity.${severity}`)}
              onChange={(setSeverity) => onChange({ setSeverity })}
            />
          </label>
          {input('tags', 'then.tags', t('tags'), { placeholder: t('tagsHint') })}
          <label className={invalid('then.assignee')}>
            {t('colAssignee')}
            <Choice
              name={at('then.assigneeMode')}
              value={rule.assigneeMode}
              options={ASSIGNEE_MODES}
              render={(mode) => t(`assigneeMode.${mode}`)}
              onChange={(mode) => onChange({ assigneeMode: mode as RuleDraft['assigneeMode'] })}
            />
          </label>
          {rule.assigneeMode !== 'none' &&
            input('assignee', 'then.assignee', rule.assigneeMode === 'agent' ? t('agentId') : t('agentIds'), {
              className: 'grow',
            })}
        </div>
      </div>
      {thenProblems.map((field) => (
        <Problems key={field} problems={problems} field={at(field)} />
      ))}
    </li>
  );
}
