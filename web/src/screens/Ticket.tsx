import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorNote, Section, SlaBadge, useNow } from '../components';
import { useWorkbench } from '../context';
import { ApiError, type Action, type TicketDetail, type TimelineEntry } from '../lib/api';
import { formatDateTime, formatMoney } from '../lib/format';
import {
  actionBody,
  EMPTY_FORM,
  fieldsFor,
  validateAction,
  type ActionForm,
  type ActionType,
} from '../lib/forms';
import { hasMessage } from '../lib/i18n';
import { platformMessage } from '../lib/platform-message';
import { DEPARTMENTS, SEVERITIES, STATUSES } from '../lib/vocabulary';

const SETTLED = new Set(['succeeded', 'failed']);
/** While a decision is pending the page re-reads it even without the stream. */
const PENDING_POLL_MS = 2_000;

interface Conflict {
  mine: number;
  theirs: number;
  changes: TimelineEntry[];
}

function short(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

export function TicketScreen({ id }: { id: string }) {
  const wb = useWorkbench();
  const { api, t, timeZone, locale } = wb;
  const [ticket, setTicket] = useState<TicketDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const loadedAt = useRef<string>(new Date(0).toISOString());
  const now = useNow();

  // Reloads overlap (a live event, a poll, the answer to a decision): only the latest request may set the
  // page, or an answer that left earlier would bring back a state from before the decision.
  const latestRequest = useRef(0);
  const reload = useCallback(async () => {
    const request = ++latestRequest.current;
    try {
      const detail = await api.get<TicketDetail>(`/v1/tickets/${id}`);
      if (request !== latestRequest.current) return null;
      setTicket(detail);
      setError(null);
      return detail;
    } catch (failure) {
      if (request === latestRequest.current) setError(failure);
      return null;
    }
  }, [api, id]);

  const freshStart = useCallback(async () => {
    setConflict(null);
    const detail = await reload();
    if (detail) loadedAt.current = new Date().toISOString();
  }, [reload]);

  useEffect(() => {
    void freshStart();
  }, [freshStart]);

  // Live: another agent's change or the platform's answer shows without a reload; a local edit in progress
  // is not overwritten, since only the ticket object (not the form fields) is replaced.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    return wb.onLive((event) => {
      if (event.ticketId !== id && event.type !== 'poll') return;
      if (!timer)
        timer = setTimeout(() => {
          timer = null;
          void reload();
        }, 200);
    });
  }, [wb, id, reload]);

  const pending = ticket?.actions.some(
    (action) => !SETTLED.has(action.status) && action.status !== 'needs_verification',
  );
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => void reload(), PENDING_POLL_MS);
    return () => clearInterval(timer);
  }, [pending, reload]);

  /** Every write of the page goes through here: a 412 becomes the conflict banner. */
  const write = async (run: () => Promise<unknown>): Promise<boolean> => {
    try {
      await run();
      await reload();
      return true;
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 412 && ticket) {
        const latest = await api.get<TicketDetail>(`/v1/tickets/${id}`);
        setConflict({
          mine: ticket.version,
          theirs: latest.version,
          changes: latest.timeline.filter((entry) => entry.at > loadedAt.current),
        });
      } else {
        setError(failure);
      }
      return false;
    }
  };

  const patch = (body: Record<string, unknown>) =>
    write(() =>
      api.request(`/v1/tickets/${id}`, {
        method: 'PATCH',
        body,
        headers: { 'If-Match': `"${ticket!.version}"` },
      }),
    ).then((ok) => {
      if (ok) loadedAt.current = new Date().toISOString();
      return ok;
    });

  if (!ticket) {
    return (
      <div className="ticket">
        <a href="#/inbox">← {t('back')}</a>
        {error ? <ErrorNote error={error} onRetry={() => void freshStart()} /> : <p>{t('loading')}</p>}
      </div>
    );
  }

  const connection = wb.connections.get(ticket.connectionId);
  const canAct = wb.can('agent');

  return (
    <div className="ticket" data-testid="ticket" data-version={ticket.version} data-stage={ticket.stage}>
      <div className="ticket-head">
        <a href="#/inbox">← {t('back')}</a>
        <h2>
          #{ticket.number} · {t(`platform.${ticket.platform}`)} {connection ? `· ${connection.name}` : ''}
        </h2>
        <span className={`status status-${ticket.status}`} data-testid="ticket-status">
          {t(`status.${ticket.status}`)}
        </span>
        <span className="pill" data-testid="ticket-stage">
          {t(`stage.${ticket.stage}`)}
        </span>
        <span className={`sev sev-${ticket.severity}`}>{t(`severity.${ticket.severity}`)}</span>
        <SlaBadge ticket={ticket} now={now} />
      </div>
      {!canAct && <p className="notice">{t('viewerNotice')}</p>}
      {conflict && (
        <div className="conflict" role="alert" data-testid="conflict">
          <strong>{t('conflictTitle')}</strong>
          <p>{t('conflictBody', { mine: conflict.mine, theirs: conflict.theirs })}</p>
          <ul>
            {conflict.changes.map((entry) => (
              <li key={entry.id}>
                <TimelineText entry={entry} />
              </li>
            ))}
          </ul>
          <button type="button" className="primary" onClick={() => void freshStart()}>
            {t('reload')}
          </button>
        </div>
      )}
      <ErrorNote error={error} />
      <div className="ticket-grid">
        <div className="col">
          <CaseCard ticket={ticket} />
          <Section title={t('timeline')} testId="timeline">
            <ol className="timeline">
              {[...ticket.timeline].reverse().map((entry) => (
                <li key={entry.id}>
                  <span className="muted small">{formatDateTime(entry.at, timeZone)}</span>{' '}
                  <TimelineText entry={entry} />
                </li>
              ))}
            </ol>
          </Section>
        </div>
        <div className="col">
          <Decisions ticket={ticket} onDone={() => void reload()} canAct={canAct} />
          <Section title={t('actions')} testId="actions">
            {ticket.actions.length === 0 ? (
              <p className="muted">—</p>
            ) : (
              <ul className="actions">
                {ticket.actions.map((action) => (
                  <ActionRow
                    key={action.id}
                    action={action}
                    onVerified={() => void reload()}
                    canAct={canAct}
                  />
                ))}
              </ul>
            )}
          </Section>
          {canAct && <WorkPanel ticket={ticket} onPatch={patch} write={write} />}
          <p className="muted small">
            {formatMoney(ticket.requestedAmount, locale)} · v{ticket.version}
          </p>
        </div>
      </div>
    </div>
  );
}

function CaseCard({ ticket }: { ticket: TicketDetail }) {
  const { t, locale, timeZone } = useWorkbench();
  return (
    <Section title={t(`kind.${ticket.kind}`)} testId="case">
      <dl className="facts">
        <dt>{t('order')}</dt>
        <dd>{ticket.externalOrderId ?? '—'}</dd>
        <dt>{t('externalCase')}</dt>
        <dd>{ticket.externalId}</dd>
        <dt>{t('buyer')}</dt>
        <dd>
          {ticket.buyer?.displayName ?? '—'}{' '}
          {ticket.buyer?.vip && <span className="badge vip">{t('vip')}</span>}
        </dd>
        <dt>{t('reason')}</dt>
        <dd>
          {ticket.reason ?? '—'} {ticket.reasonCode && <span className="muted">({ticket.reasonCode})</span>}
        </dd>
        <dt>{t('requested')}</dt>
        <dd data-testid="requested">{formatMoney(ticket.requestedAmount, locale)}</dd>
        <dt>{t('refunded')}</dt>
        <dd data-testid="refunded">{formatMoney(ticket.refundedAmount, locale)}</dd>
        <dt>{t('filterCategory')}</dt>
        <dd>
          {t(`category.${ticket.category}`)} · {t(`department.${ticket.department}`)}
        </dd>
        <dt>{t('platformDeadline')}</dt>
        <dd>{formatDateTime(ticket.platformDeadlineAt, timeZone)}</dd>
        <dt>{t('firstResponseDue')}</dt>
        <dd>{formatDateTime(ticket.sla.firstResponseDueAt, timeZone)}</dd>
        <dt>{t('resolutionDue')}</dt>
        <dd>{formatDateTime(ticket.sla.resolutionDueAt, timeZone)}</dd>
      </dl>
      <table className="items">
        <thead>
          <tr>
            <th>SKU</th>
            <th>{t('items')}</th>
            <th className="num">×</th>
            <th className="num">{t('unitPrice')}</th>
          </tr>
        </thead>
        <tbody>
          {ticket.items.map((item, index) => (
            <tr key={`${item.sku}-${index}`}>
              <td>{item.sku ?? '—'}</td>
              <td>{item.title}</td>
              <td className="num">{item.quantity}</td>
              <td className="num">{formatMoney(item.unitPrice, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="evidence">
        <span className="muted">{t('evidence')}: </span>
        {ticket.evidence.length === 0
          ? t('noEvidence')
          : ticket.evidence.map((url) => (
              <a key={url} href={url} target="_blank" rel="noreferrer noopener">
                {/\.(png|jpe?g|gif|webp)(\?|$)/i.test(url) ? <img src={url} alt="" loading="lazy" /> : url}
              </a>
            ))}
      </div>
    </Section>
  );
}

function TimelineText({ entry }: { entry: TimelineEntry }) {
  const { t, me } = useWorkbench();
  const actor =
    entry.actor.type === 'agent' && entry.actor.id === me.apiKeyId
      ? t('assigneeMine')
      : `${t(`actor.${entry.actor.type}`)}${entry.actor.id ? ` ${entry.actor.id.slice(0, 8)}` : ''}`;
  const data = entry.data;
  // Enum values read in the screen's language; anything else as the hub wrote it.
  const vocabulary: Record<string, string> = {
    status: 'status',
    severity: 'severity',
    department: 'department',
    stage: 'stage',
  };
  const value = (field: string, raw: unknown) =>
    typeof raw === 'string' && vocabulary[field] ? t(`${vocabulary[field]}.${raw}`) : short(raw) || '—';
  const field =
    entry.type === 'ticket.status_changed' ? 'status' : entry.type === 'ticket.stage_changed' ? 'stage' : '';
  let detail = '';
  if (data.changes && typeof data.changes === 'object') {
    detail = Object.entries(data.changes as Record<string, { from: unknown; to: unknown }>)
      .map(
        ([name, change]) => `${t(`field.${name}`)}: ${value(name, change.from)} → ${value(name, change.to)}`,
      )
      .join('; ');
  } else if (typeof data.text === 'string') {
    detail = data.text;
  } else if (data.from !== undefined && data.to !== undefined) {
    detail = `${value(field, data.from)} → ${value(field, data.to)}`;
  } else if (typeof data.type === 'string') {
    detail = t(`action.${data.type}`) + (data.error ? ` — ${short(data.error)}` : '');
  } else if (data.score !== undefined) {
    detail = `${short(data.score)}★ ${short(data.comment ?? '')}`;
  }
  return (
    <span data-testid="timeline-entry">
      <strong title={entry.type}>
        {hasMessage(`event.${entry.type}`) ? t(`event.${entry.type}`) : entry.type}
      </strong>{' '}
      · {actor}
      {detail && <> · {detail}</>}
    </span>
  );
}

function ActionRow({
  action,
  onVerified,
  canAct,
}: {
  action: Action;
  onVerified: () => void;
  canAct: boolean;
}) {
  const { t, api, timeZone } = useWorkbench();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const raw = short(action.upstream.response);
  const message = action.upstream.error ?? platformMessage(action.upstream.response) ?? raw;
  return (
    <li data-testid="action" data-action-type={action.type} data-status={action.status}>
      <span className={`pill action-${action.status}`}>{t(`actionStatus.${action.status}`)}</span>{' '}
      <strong>{t(`action.${action.type}`)}</strong>{' '}
      <span className="muted small">
        {formatDateTime(action.createdAt, timeZone)} · ×{action.attempts}
      </span>
      {message && (
        <div
          className={action.status === 'failed' ? 'error small' : 'muted small'}
          data-testid="action-message"
        >
          {t('platformSays')}: {action.upstream.errorCode ? `[${action.upstream.errorCode}] ` : ''}
          {message}
          {raw && raw !== message && (
            <details>
              <summary>JSON</summary>
              <code>{raw}</code>
            </details>
          )}
        </div>
      )}
      {action.status === 'needs_verification' && action.verification?.message && (
        <div className="notice small" data-testid="verification-message">
          {t('platformSays')}: {action.verification.message}
        </div>
      )}
      {action.status === 'needs_verification' && canAct && (
        <form
          data-testid="verify-form"
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            api
              .send(`POST`, `/v1/actions/${action.id}/verify`, { code: code.trim() })
              .then(onVerified, setError);
          }}
        >
          <input
            name="code"
            placeholder={t('verificationCode')}
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <button type="submit" disabled={!code.trim()}>
            {t('verify')}
          </button>
          <ErrorNote error={error} />
        </form>
      )}
    </li>
  );
}

function Decisions({
  ticket,
  onDone,
  canAct,
}: {
  ticket: TicketDetail;
  onDone: () => void;
  canAct: boolean;
}) {
  const wb = useWorkbench();
  const { t, api } = wb;
  const [open, setOpen] = useState<ActionType | null>(null);
  const [form, setForm] = useState<ActionForm>(EMPTY_FORM);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const platform = wb.platforms.find((info) => info.platform === ticket.platform);
  const allowed = (platform?.actions ?? []).filter((type) => {
    const stages = platform?.actionStages[type];
    return !stages || stages.includes(ticket.stage);
  }) as ActionType[];
  const errors = open ? validateAction(open, form, ticket.requestedAmount?.amount ?? null) : {};
  const field = (
    name: keyof ActionForm,
    label: string,
    extra: { placeholder?: string; textarea?: boolean } = {},
  ) => (
    <label className={errors[name] ? 'invalid' : ''}>
      {label}
      {extra.textarea ? (
        <textarea
          name={name}
          value={form[name]}
          onChange={(e) => setForm({ ...form, [name]: e.target.value })}
        />
      ) : (
        <input
          name={name}
          placeholder={extra.placeholder}
          value={form[name]}
          onChange={(e) => setForm({ ...form, [name]: e.target.value })}
        />
      )}
      {errors[name] && <span className="field-error">{t(`error.${errors[name]}`)}</span>}
    </label>
  );

  const submit = async () => {
    if (!open || Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      await api.send('POST', `/v1/tickets/${ticket.id}/actions`, actionBody(open, form), {
        'Idempotency-Key': crypto.randomUUID(),
      });
      setOpen(null);
      setForm(EMPTY_FORM);
      onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('decisions')} testId="decisions">
      {allowed.length === 0 && <p className="muted">{t('noDecisions')}</p>}
      <div className="row wrap">
        {allowed.map((type) => (
          <button
            key={type}
            type="button"
            disabled={!canAct}
            className={open === type ? 'primary' : ''}
            data-action={type}
            onClick={() => {
              setOpen(open === type ? null : type);
              setError(null);
            }}
          >
            {t(`action.${type}`)}
          </button>
        ))}
      </div>
      {open && (
        <form
          className="decision-form"
          data-testid="decision-form"
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          {fieldsFor(open).includes('amount') &&
            field('amount', `${t('amount')} (${ticket.requestedAmount?.currency ?? ''})`, {
              placeholder: `${ticket.requestedAmount?.amount ?? ''} — ${t('amountHint')}`,
            })}
          {fieldsFor(open).includes('reason') && field('reason', t('reason'), { textarea: true })}
          {fieldsFor(open).includes('reasonCode') && field('reasonCode', t('reasonCode'))}
          {fieldsFor(open).includes('addressMode') && (
            <>
              <label className="radio">
                <input
                  type="radio"
                  name="addressMode"
                  checked={form.addressMode === 'default'}
                  onChange={() => setForm({ ...form, addressMode: 'default' })}
                />
                {t('addressDefault')}
              </label>
              <label className="radio">
                <input
                  type="radio"
                  name="addressMode"
                  checked={form.addressMode === 'address'}
                  onChange={() => setForm({ ...form, addressMode: 'address' })}
                />
                {t('addressTyped')}
              </label>
              {form.addressMode === 'address' && (
                <div className="grid2">
                  {field('name', t('contactName'))}
                  {field('phone', t('phone'))}
                  {field('address', t('address'))}
                  {field('province', t('province'))}
                  {field('city', t('city'))}
                  {field('district', t('district'))}
                  {field('postcode', t('postcode'))}
                  {field('externalAddressId', t('externalAddressId'))}
                </div>
              )}
            </>
          )}
          {fieldsFor(open).includes('text') && field('text', t('message'), { textarea: true })}
          <ErrorNote error={error} />
          <div className="row">
            <button type="submit" className="primary" disabled={busy || Object.keys(errors).length > 0}>
              {t('submit')} · {t(`action.${open}`)}
            </button>
            <button type="button" className="link" onClick={() => setOpen(null)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
    </Section>
  );
}

function WorkPanel(props: {
  ticket: TicketDetail;
  onPatch: (body: Record<string, unknown>) => Promise<boolean>;
  write: (run: () => Promise<unknown>) => Promise<boolean>;
}) {
  const { ticket } = props;
  const { t, api, me } = useWorkbench();
  const [tags, setTags] = useState(ticket.tags.join(', '));
  const [assignee, setAssignee] = useState(ticket.assigneeId ?? '');
  const [note, setNote] = useState('');
  const [score, setScore] = useState(5);
  const [comment, setComment] = useState('');
  useEffect(() => setTags(ticket.tags.join(', ')), [ticket.tags]);
  useEffect(() => setAssignee(ticket.assigneeId ?? ''), [ticket.assigneeId]);

  return (
    <>
      <Section title={t('status')} testId="work">
        <div className="grid2">
          <label>
            {t('status')}
            <select
              name="status"
              value={ticket.status}
              onChange={(e) => void props.onPatch({ status: e.target.value })}
            >
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`status.${status}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('filterSeverity')}
            <select
              name="severity"
              value={ticket.severity}
              onChange={(e) => void props.onPatch({ severity: e.target.value })}
            >
              {SEVERITIES.map((severity) => (
                <option key={severity} value={severity}>
                  {t(`severity.${severity}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('filterDepartment')}
            <select
              name="department"
              value={ticket.department}
              onChange={(e) => void props.onPatch({ department: e.target.value })}
            >
              {DEPARTMENTS.map((department) => (
                <option key={department} value={department}>
                  {t(`department.${department}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('assignment')}
            <div className="row">
              <input
                name="assigneeId"
                value={assignee}
                placeholder={t('assigneeId')}
                onChange={(e) => setAssignee(e.target.value)}
              />
              <button
                type="button"
                onClick={() => void props.onPatch({ assigneeId: assignee.trim() || null })}
              >
                {t('save')}
              </button>
            </div>
          </label>
        </div>
        <div className="row">
          <button
            type="button"
            data-testid="assign-me"
            onClick={() => void props.onPatch({ assigneeId: me.apiKeyId })}
          >
            {t('assignToMe')}
          </button>
          {ticket.assigneeId && (
            <button type="button" className="link" onClick={() => void props.onPatch({ assigneeId: null })}>
              {t('unassign')}
            </button>
          )}
        </div>
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            const list = tags
              .split(/[,，\s]+/)
              .map((tag) => tag.trim())
              .filter(Boolean);
            void props.onPatch({ tags: list });
          }}
        >
          <label className="grow">
            {t('tags')} <span className="muted small">({t('tagsHint')})</span>
            <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} />
          </label>
          <button type="submit">{t('save')}</button>
        </form>
      </Section>
      <Section title={t('notes')} testId="notes">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!note.trim()) return;
            void props
              .write(() => api.send('POST', `/v1/tickets/${ticket.id}/notes`, { text: note.trim() }))
              .then((ok) => ok && setNote(''));
          }}
        >
          <textarea
            name="note"
            placeholder={t('notePlaceholder')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <button type="submit" disabled={!note.trim()}>
            {t('addNote')}
          </button>
        </form>
      </Section>
      <Section title={t('csat')} testId="csat">
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            void props.write(() =>
              api.send('POST', `/v1/tickets/${ticket.id}/csat`, {
                score,
                ...(comment.trim() ? { comment: comment.trim() } : {}),
              }),
            );
          }}
        >
          <select name="score" value={score} onChange={(e) => setScore(Number(e.target.value))}>
            {[5, 4, 3, 2, 1].map((value) => (
              <option key={value} value={value}>
                {'★'.repeat(value)}
              </option>
            ))}
          </select>
          <input
            name="comment"
            placeholder={t('csatComment')}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
          <button type="submit">{t('record')}</button>
        </form>
      </Section>
    </>
  );
}
