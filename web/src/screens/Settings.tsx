import { Fragment, useCallback, useEffect, useState } from 'react';
import { ErrorNote, Section } from '../components';
import { useWorkbench } from '../context';
import { ApiError, type Connection, type Page } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { hasMessage } from '../lib/i18n';
import { SEVERITIES } from '../lib/vocabulary';
import { AutoRefundSettings, RoutingSettings } from './PolicyForms';

const TABS = ['connections', 'routing', 'sla', 'auto-refund', 'indicators', 'webhooks', 'keys'] as const;
const TAB_LABEL = {
  connections: 'connections',
  routing: 'routingRules',
  sla: 'slaPolicies',
  'auto-refund': 'autoRefund',
  indicators: 'indicatorThresholds',
  webhooks: 'webhooks',
  keys: 'apiKeys',
} as const;

export function Settings({ tab }: { tab: string }) {
  const { t, can } = useWorkbench();
  if (!can('admin')) return <p className="notice">{t('adminOnly')}</p>;
  return (
    <div className="settings">
      <nav className="tabs">
        {TABS.map((name) => (
          <a key={name} href={`#/settings/${name}`} className={tab === name ? 'active' : ''}>
            {t(TAB_LABEL[name])}
          </a>
        ))}
      </nav>
      {tab === 'routing' ? (
        <RoutingSettings />
      ) : tab === 'sla' ? (
        <SlaPolicies />
      ) : tab === 'auto-refund' ? (
        <AutoRefundSettings />
      ) : tab === 'indicators' ? (
        <IndicatorThresholds />
      ) : tab === 'webhooks' ? (
        <Webhooks />
      ) : tab === 'keys' ? (
        <ApiKeys />
      ) : (
        <Connections />
      )}
    </div>
  );
}

function useLoad<T>(path: string): { data: T | null; error: unknown; reload: () => void } {
  const { api } = useWorkbench();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(() => {
    api.get<T>(path).then(
      (value) => {
        setData(value);
        setError(null);
      },
      (failure: unknown) => setError(failure),
    );
  }, [api, path]);
  useEffect(reload, [reload]);
  return { data, error, reload };
}

function Connections() {
  const wb = useWorkbench();
  const { t, api, timeZone } = wb;
  const { data, error, reload } = useLoad<Page<Connection>>('/v1/connections?limit=200');
  const [platform, setPlatform] = useState(wb.platforms[0]?.platform ?? 'generic');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [createError, setCreateError] = useState<unknown>(null);
  const [created, setCreated] = useState<Connection | null>(null);
  const info = wb.platforms.find((item) => item.platform === platform);
  const refresh = () => {
    reload();
    wb.reloadConnections();
  };

  const create = async () => {
    setCreateError(null);
    try {
      const body: Record<string, unknown> = {
        platform,
        name: fields.name ?? '',
        shopId: fields.shopId ?? '',
        credentials: Object.fromEntries(
          Object.entries(credentials).filter(([, value]) => value.trim() !== ''),
        ),
      };
      if (fields.apiBaseUrl?.trim()) body.apiBaseUrl = fields.apiBaseUrl.trim();
      if (fields.pollIntervalSeconds?.trim()) body.pollIntervalSeconds = Number(fields.pollIntervalSeconds);
      const connection = await api.send<Connection>('POST', '/v1/connections', body);
      setCreated(connection);
      setFields({});
      setCredentials({});
      refresh();
    } catch (failure) {
      setCreateError(failure);
    }
  };

  return (
    <>
      <Section title={t('newConnection')} testId="new-connection">
        <form
          className="grid2"
          onSubmit={(event) => {
            event.preventDefault();
            void create();
          }}
        >
          <label>
            {t('platform')}
            <select
              name="platform"
              value={platform}
              onChange={(e) => {
                setPlatform(e.target.value);
                setCredentials({});
              }}
            >
              {wb.platforms.map((item) => (
                <option key={item.platform} value={item.platform}>
                  {t(`platform.${item.platform}`)}
                </option>
              ))}
            </select>
          </label>
          {(['name', 'shopId', 'apiBaseUrl', 'pollIntervalSeconds'] as const).map((name) => (
            <label key={name}>
              {t(name === 'pollIntervalSeconds' ? 'pollInterval' : name)}
              <input
                name={name}
                required={name === 'name' || name === 'shopId'}
                value={fields[name] ?? ''}
                onChange={(e) => setFields({ ...fields, [name]: e.target.value })}
              />
            </label>
          ))}
          <fieldset className="span2">
            <legend>
              {t('credentials')} · {info?.displayName}
            </legend>
            <div className="grid2">
              {(info?.credentials ?? []).map((field) => (
                <label key={field.name}>
                  {field.name}
                  {field.required ? ' *' : ''}
                  <input
                    name={`credentials.${field.name}`}
                    type="password"
                    autoComplete="off"
                    required={field.required}
                    value={credentials[field.name] ?? ''}
                    onChange={(e) => setCredentials({ ...credentials, [field.name]: e.target.value })}
                  />
                </label>
              ))}
            </div>
          </fieldset>
          <div className="span2 row">
            <button type="submit" className="primary">
              {t('create')}
            </button>
            <ErrorNote error={createError} />
          </div>
        </form>
        {created && (
          <p className="ok" data-testid="connection-created">
            {t('created')}: {created.name}
            {created.webhookUrl && (
              <>
                {' '}
                · {t('webhookUrl')}: <code>{created.webhookUrl}</code>
              </>
            )}
          </p>
        )}
      </Section>
      <ErrorNote error={error} onRetry={reload} />
      {(data?.data ?? []).map((connection) => (
        <Section
          key={connection.id}
          testId="connection"
          title={
            <>
              {connection.name} · {t(`platform.${connection.platform}`)} · {connection.shopId}{' '}
              <span className="pill">{connection.status}</span>
            </>
          }
          actions={
            <div className="row">
              <button
                type="button"
                onClick={() =>
                  void api
                    .send('POST', `/v1/connections/${connection.id}/sync`, {})
                    .then(refresh, () => undefined)
                }
              >
                {t('syncNow')}
              </button>
              <button
                type="button"
                className="link danger"
                onClick={() => {
                  if (window.confirm(t('confirmDelete')))
                    void api
                      .send('DELETE', `/v1/connections/${connection.id}`)
                      .then(refresh, () => undefined);
                }}
              >
                {t('delete')}
              </button>
            </div>
          }
        >
          <dl className="facts">
            {(
              [
                ['webhookUrl', connection.webhookUrl, 'webhook-url'],
                ['appWebhookUrl', connection.appWebhookUrl, 'app-webhook-url'],
              ] as const
            ).map(([label, url, testId]) =>
              url ? (
                <Fragment key={label}>
                  <dt>{t(label)}</dt>
                  <dd>
                    <code data-testid={testId}>{url}</code>{' '}
                    <button
                      type="button"
                      className="link"
                      onClick={() => void navigator.clipboard?.writeText(url)}
                    >
                      {t('copy')}
                    </button>
                  </dd>
                </Fragment>
              ) : null,
            )}
            <dt>{t('lastSuccess')}</dt>
            <dd>{formatDateTime(connection.sync.lastSuccessAt, timeZone)}</dd>
            <dt>{t('lastError')}</dt>
            <dd className={connection.sync.lastError ? 'error-text' : ''}>
              {connection.sync.lastError
                ? `${formatDateTime(connection.sync.lastErrorAt, timeZone)} ${connection.sync.lastError}`
                : '—'}
            </dd>
            <dt>{t('nextRun')}</dt>
            <dd>{formatDateTime(connection.sync.nextRunAt, timeZone)}</dd>
            <dt>{t('rateBudget')}</dt>
            <dd>
              {connection.sync.rateBudget.requestsPerSecond}/s · {connection.sync.rateBudget.note}
            </dd>
          </dl>
          <FailedEvents connectionId={connection.id} />
        </Section>
      ))}
    </>
  );
}

interface InboundEvent {
  id: string;
  eventType: string;
  externalId: string | null;
  error: string | null;
  attempts: number;
  receivedAt: string;
}

function FailedEvents({ connectionId }: { connectionId: string }) {
  const { t, api, timeZone } = useWorkbench();
  const { data, reload } = useLoad<Page<InboundEvent>>(
    `/v1/connections/${connectionId}/events?status=failed&limit=20`,
  );
  const events = data?.data ?? [];
  return (
    <details>
      <summary>
        {t('failedEvents')} ({events.length})
      </summary>
      {events.length === 0 ? (
        <p className="muted">{t('noFailedEvents')}</p>
      ) : (
        <ul>
          {events.map((event) => (
            <li key={event.id}>
              {formatDateTime(event.receivedAt, timeZone)} · {event.eventType} · {event.externalId} ·{' '}
              <span className="error-text">{event.error}</span>{' '}
              <button
                type="button"
                onClick={() =>
                  void api
                    .send('POST', `/v1/connections/${connectionId}/events/${event.id}/retry`, {})
                    .then(reload, reload)
                }
              >
                {t('retry')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

interface SlaView {
  policies: Record<
    string,
    {
      firstResponseMinutes: number;
      resolutionMinutes: number;
      businessHours: { timezone: string; weekdays: number[]; start: string; end: string } | null;
    }
  >;
  holidays: string[];
  platformDeadlineMarginMinutes: number;
}

function SlaPolicies() {
  const { t, api } = useWorkbench();
  const { data, error, reload } = useLoad<SlaView>('/v1/sla-policies');
  const [draft, setDraft] = useState<SlaView | null>(null);
  const [hours, setHours] = useState({
    timezone: 'Asia/Shanghai',
    weekdays: '1,2,3,4,5',
    start: '09:00',
    end: '18:00',
  });
  const [withHours, setWithHours] = useState<Record<string, boolean>>({});
  const [holidays, setHolidays] = useState('');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!data) return;
    setDraft(data);
    const first = Object.values(data.policies).find((policy) => policy.businessHours)?.businessHours;
    if (first) setHours({ ...first, weekdays: first.weekdays.join(',') });
    setWithHours(
      Object.fromEntries(Object.entries(data.policies).map(([key, policy]) => [key, !!policy.businessHours])),
    );
    setHolidays(data.holidays.join(', '));
  }, [data]);
  if (!draft) return <ErrorNote error={error} onRetry={reload} />;
  const setMinutes = (severity: string, field: 'firstResponseMinutes' | 'resolutionMinutes', value: number) =>
    setDraft({
      ...draft,
      policies: { ...draft.policies, [severity]: { ...draft.policies[severity], [field]: value } },
    });
  const save = async () => {
    setSaved(false);
    setSaveError(null);
    const businessHours = {
      timezone: hours.timezone,
      weekdays: hours.weekdays
        .split(/[,\s]+/)
        .filter(Boolean)
        .map(Number),
      start: hours.start,
      end: hours.end,
    };
    const body = {
      policies: Object.fromEntries(
        SEVERITIES.map((severity) => [
          severity,
          {
            firstResponseMinutes: draft.policies[severity].firstResponseMinutes,
            resolutionMinutes: draft.policies[severity].resolutionMinutes,
            businessHours: withHours[severity] ? businessHours : null,
          },
        ]),
      ),
      holidays: holidays.split(/[,，\s]+/).filter(Boolean),
      platformDeadlineMarginMinutes: draft.platformDeadlineMarginMinutes,
    };
    try {
      await api.send('PUT', '/v1/sla-policies', body);
      setSaved(true);
      reload();
    } catch (failure) {
      setSaveError(failure);
    }
  };
  return (
    <Section title={t('slaPolicies')} testId="sla-policies">
      <table className="plain">
        <thead>
          <tr>
            <th>{t('filterSeverity')}</th>
            <th>{t('firstResponseMinutes')}</th>
            <th>{t('resolutionMinutes')}</th>
            <th>{t('businessHours')}</th>
          </tr>
        </thead>
        <tbody>
          {SEVERITIES.map((severity) => (
            <tr key={severity}>
              <td>{t(`severity.${severity}`)}</td>
              <td>
                <input
                  type="number"
                  min={1}
                  name={`${severity}.firstResponseMinutes`}
                  value={draft.policies[severity]?.firstResponseMinutes ?? 0}
                  onChange={(e) => setMinutes(severity, 'firstResponseMinutes', Number(e.target.value))}
                />
              </td>
              <td>
                <input
                  type="number"
                  min={1}
                  name={`${severity}.resolutionMinutes`}
                  value={draft.policies[severity]?.resolutionMinutes ?? 0}
                  onChange={(e) => setMinutes(severity, 'resolutionMinutes', Number(e.target.value))}
                />
              </td>
              <td>
                <input
                  type="checkbox"
                  checked={!!withHours[severity]}
                  onChange={(e) => setWithHours({ ...withHours, [severity]: e.target.checked })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="grid2">
        <label>
          {t('timezone')}
          <input value={hours.timezone} onChange={(e) => setHours({ ...hours, timezone: e.target.value })} />
        </label>
        <label>
          {t('weekdays')}
          <input value={hours.weekdays} onChange={(e) => setHours({ ...hours, weekdays: e.target.value })} />
        </label>
        <label>
          {t('start')}
          <input value={hours.start} onChange={(e) => setHours({ ...hours, start: e.target.value })} />
        </label>
        <label>
          {t('end')}
          <input value={hours.end} onChange={(e) => setHours({ ...hours, end: e.target.value })} />
        </label>
        <label className="span2">
          {t('holidays')}
          <input value={holidays} onChange={(e) => setHolidays(e.target.value)} />
        </label>
      </div>
      <div className="row">
        <button type="button" className="primary" onClick={() => void save()}>
          {t('save')}
        </button>
        {saved && <span className="ok">{t('saved')}</span>}
      </div>
      <ErrorNote error={saveError} />
    </Section>
  );
}

function IndicatorThresholds() {
  const { t, api } = useWorkbench();
  const { data, error, reload } = useLoad<Record<string, number>>('/v1/policies/indicators');
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  // Every number the policy has is a threshold or a window; the hub may add more, and they show up here.
  const fields = Object.keys(data ?? {}).filter((key) => typeof data?.[key] === 'number');
  useEffect(() => {
    if (data)
      setDraft(
        Object.fromEntries(
          Object.entries(data)
            .filter(([, value]) => typeof value === 'number')
            .map(([key, value]) => [key, String(value)]),
        ),
      );
  }, [data]);
  if (error instanceof ApiError && error.status === 404)
    return <p className="notice">{t('analyticsMissing')}</p>;
  const save = async () => {
    setSaved(false);
    setSaveError(null);
    try {
      await api.send(
        'PUT',
        '/v1/policies/indicators',
        Object.fromEntries(fields.map((key) => [key, Number(draft[key])])),
      );
      setSaved(true);
      reload();
    } catch (failure) {
      setSaveError(failure);
    }
  };
  return (
    <Section title={t('indicatorThresholds')} testId="indicator-thresholds">
      <ErrorNote error={error} onRetry={reload} />
      <div className="grid2">
        {fields.map((key) => (
          <label key={key}>
            {hasMessage(`threshold.${key}`) ? t(`threshold.${key}`) : key}
            <input
              name={key}
              type="number"
              step="any"
              value={draft[key] ?? ''}
              onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
            />
          </label>
        ))}
      </div>
      <div className="row">
        <button type="button" className="primary" onClick={() => void save()}>
          {t('save')}
        </button>
        {saved && <span className="ok">{t('saved')}</span>}
      </div>
      <ErrorNote error={saveError} />
    </Section>
  );
}

interface Subscription {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
}

interface Delivery {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
}

const WEBHOOK_EVENTS = [
  'ticket.created',
  'ticket.updated',
  'ticket.stage_changed',
  'ticket.assigned',
  'ticket.sla_warning',
  'ticket.sla_breached',
  'ticket.csat_requested',
  'ticket.incident_detected',
  'action.succeeded',
  'action.failed',
  'connection.sync_failed',
  'webhook_subscription.disabled',
];

function Webhooks() {
  const { t, api } = useWorkbench();
  const { data, error, reload } = useLoad<Page<Subscription>>('/v1/webhook-subscriptions');
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>(['ticket.created', 'ticket.updated']);
  const [secret, setSecret] = useState<string | null>(null);
  const [createError, setCreateError] = useState<unknown>(null);
  const create = async () => {
    setCreateError(null);
    try {
      const created = await api.send<{ secret?: string }>('POST', '/v1/webhook-subscriptions', {
        url,
        events,
        ...(description ? { description } : {}),
      });
      setSecret(created.secret ?? null);
      setUrl('');
      reload();
    } catch (failure) {
      setCreateError(failure);
    }
  };
  return (
    <>
      <Section title={t('newSubscription')}>
        <form
          className="grid2"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <label>
            {t('url')}
            <input name="url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
          </label>
          <label>
            {t('description')}
            <input name="description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
          <fieldset className="span2">
            <legend>{t('events')}</legend>
            <div className="checks">
              {WEBHOOK_EVENTS.map((type) => (
                <label key={type} className="radio">
                  <input
                    type="checkbox"
                    checked={events.includes(type)}
                    onChange={(e) =>
                      setEvents(e.target.checked ? [...events, type] : events.filter((item) => item !== type))
                    }
                  />
                  {type}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="span2 row">
            <button type="submit" className="primary">
              {t('create')}
            </button>
            <ErrorNote error={createError} />
          </div>
        </form>
        {secret && (
          <p className="ok">
            {t('secretOnce')} <code>{secret}</code>
          </p>
        )}
      </Section>
      <ErrorNote error={error} onRetry={reload} />
      {(data?.data ?? []).map((subscription) => (
        <Section
          key={subscription.id}
          title={
            <>
              {subscription.url}{' '}
              <span className="pill">
                {subscription.enabled ? t('enabled') : (subscription.disabledReason ?? '—')}
              </span>
            </>
          }
          actions={
            <button
              type="button"
              className="link danger"
              onClick={() =>
                window.confirm(t('confirmDelete')) &&
                void api.send('DELETE', `/v1/webhook-subscriptions/${subscription.id}`).then(reload, reload)
              }
            >
              {t('delete')}
            </button>
          }
        >
          <p className="muted small">{subscription.events.join(', ')}</p>
          <Deliveries subscriptionId={subscription.id} />
        </Section>
      ))}
    </>
  );
}

function Deliveries({ subscriptionId }: { subscriptionId: string }) {
  const { t, api, timeZone } = useWorkbench();
  const { data, reload } = useLoad<Page<Delivery>>(
    `/v1/webhook-subscriptions/${subscriptionId}/deliveries?limit=20`,
  );
  return (
    <details>
      <summary>
        {t('deliveries')} ({data?.data.length ?? 0})
      </summary>
      <table className="plain">
        <tbody>
          {(data?.data ?? []).map((delivery) => (
            <tr key={delivery.id}>
              <td>{formatDateTime(delivery.createdAt, timeZone)}</td>
              <td>{delivery.eventType}</td>
              <td>
                <span className="pill">{delivery.status}</span>
              </td>
              <td>
                {delivery.lastStatusCode ?? ''} {delivery.lastError ?? ''}
              </td>
              <td>×{delivery.attempts}</td>
              <td>
                <button
                  type="button"
                  onClick={() =>
                    void api
                      .send(
                        'POST',
                        `/v1/webhook-subscriptions/${subscriptionId}/deliveries/${delivery.id}/retry`,
                        {},
                      )
                      .then(reload, reload)
                  }
                >
                  {t('replay')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

interface KeyView {
  id: string;
  role: string;
  name: string | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

function ApiKeys() {
  const { t, api, timeZone, me } = useWorkbench();
  const { data, error, reload } = useLoad<Page<KeyView>>('/v1/api-keys');
  const [role, setRole] = useState('agent');
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<string | null>(null);
  const [createError, setCreateError] = useState<unknown>(null);
  return (
    <>
      <Section title={t('newKey')}>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            api.send<{ key: string }>('POST', '/v1/api-keys', { role, ...(name ? { name } : {}) }).then(
              (key) => {
                setIssued(key.key);
                setName('');
                reload();
              },
              (failure: unknown) => setCreateError(failure),
            );
          }}
        >
          <label>
            {t('role')}
            <select name="role" value={role} onChange={(e) => setRole(e.target.value)}>
              <option value="agent">{t('roleAgent')}</option>
              <option value="viewer">{t('roleViewer')}</option>
              <option value="admin">{t('roleAdmin')}</option>
            </select>
          </label>
          <label>
            {t('name')}
            <input name="name" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit" className="primary">
            {t('create')}
          </button>
        </form>
        <ErrorNote error={createError} />
        {issued && (
          <p className="ok">
            {t('keyOnce')} <code data-testid="issued-key">{issued}</code>
          </p>
        )}
      </Section>
      <ErrorNote error={error} onRetry={reload} />
      <table className="plain">
        <thead>
          <tr>
            <th>{t('name')}</th>
            <th>{t('role')}</th>
            <th>prefix</th>
            <th>{t('lastUsed')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(data?.data ?? []).map((key) => (
            <tr key={key.id}>
              <td>
                {key.name ?? '—'}{' '}
                {key.id === me.apiKeyId && <span className="pill">{t('assigneeMine')}</span>}
              </td>
              <td>{key.role}</td>
              <td>
                <code>{key.prefix}…</code>
              </td>
              <td>{formatDateTime(key.lastUsedAt, timeZone)}</td>
              <td>
                {key.id !== me.apiKeyId && (
                  <button
                    type="button"
                    className="link danger"
                    onClick={() =>
                      window.confirm(t('confirmDelete')) &&
                      void api.send('DELETE', `/v1/api-keys/${key.id}`).then(reload, reload)
                    }
                  >
                    {t('revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
