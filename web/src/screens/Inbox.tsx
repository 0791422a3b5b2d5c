import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorNote, MultiSelect, SlaBadge, useCloseDropdowns, useNow } from '../components';
import { useWorkbench } from '../context';
import type { Page, Ticket } from '../lib/api';
import { formatDateTime, formatMoney } from '../lib/format';
import {
  activeFilterCount,
  DEFAULT_FILTERS,
  filtersFromHash,
  filtersToHash,
  ticketQuery,
  type InboxFilters,
} from '../lib/inbox-query';
import {
  CATEGORIES,
  DEPARTMENTS,
  KINDS,
  PLATFORMS,
  SEVERITIES,
  SLA_STATES,
  SORTS,
  STAGES,
  STATUSES,
} from '../lib/vocabulary';
import { navigate } from '../router';

const PAGE_SIZE = 100;
/** Several events of one burst cause one reload of the first page. */
const LIVE_DEBOUNCE_MS = 150;

export function Inbox({ search }: { search: string }) {
  const wb = useWorkbench();
  const { t, locale, api, me, timeZone } = wb;
  const filters = useMemo(() => filtersFromHash(search), [search]);
  const [rows, setRows] = useState<Ticket[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState(0);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [searchText, setSearchText] = useState(filters.q);
  const searchBox = useRef<HTMLInputElement>(null);
  const rowsRef = useRef<Ticket[]>([]);
  rowsRef.current = rows;
  const now = useNow();
  useCloseDropdowns();

  const setFilters = useCallback((next: InboxFilters) => {
    const hash = filtersToHash(next);
    navigate(`/inbox${hash ? `?${hash}` : ''}`, true);
  }, []);
  const update = (patch: Partial<InboxFilters>) => setFilters({ ...filters, ...patch });

  const query = useCallback(
    (cursor?: string | null) =>
      `/v1/tickets?${ticketQuery(filters, { me: me.apiKeyId, timeZone, limit: PAGE_SIZE, cursor }).toString()}`,
    [filters, me.apiKeyId, timeZone],
  );

  useEffect(() => setSearchText(filters.q), [filters.q]);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    api.get<Page<Ticket>>(query(), controller.signal).then(
      (page) => {
        setRows(page.data);
        setNextCursor(page.nextCursor);
        setSelected(0);
        setFresh(new Set());
        setLoading(false);
        performance.mark('inbox-rendered');
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [api, query]);

  // Live: reload the first page of this view, and refresh rows further down that changed.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const changed = new Set<string>();
    const flush = () => {
      timer = null;
      const ids = [...changed];
      changed.clear();
      api.get<Page<Ticket>>(query()).then(
        (page) => {
          const current = rowsRef.current;
          const known = new Set(current.map((row) => row.id));
          const onFirstPage = new Set(page.data.map((row) => row.id));
          const arrived = page.data.filter((row) => !known.has(row.id)).map((row) => row.id);
          setRows([...page.data, ...current.filter((row) => !onFirstPage.has(row.id))]);
          if (current.length <= PAGE_SIZE) setNextCursor(page.nextCursor);
          if (arrived.length > 0) setFresh((before) => new Set([...before, ...arrived]));
          for (const id of ids) {
            if (onFirstPage.has(id) || !known.has(id)) continue;
            api.get<Ticket>(`/v1/tickets/${id}`).then(
              (ticket) => setRows((list) => list.map((row) => (row.id === id ? ticket : row))),
              () => undefined,
            );
          }
        },
        () => undefined,
      );
    };
    return wb.onLive((event) => {
      if (
        !event.type.startsWith('ticket.') &&
        !event.type.startsWith('action.') &&
        event.type !== 'poll' &&
        event.type !== 'resync'
      )
        return;
      if (event.ticketId) changed.add(event.ticketId);
      if (!timer) timer = setTimeout(flush, LIVE_DEBOUNCE_MS);
    });
  }, [api, query, wb]);

  const loadMore = () => {
    if (!nextCursor) return;
    api.get<Page<Ticket>>(query(nextCursor)).then(
      (page) => {
        setRows((current) => {
          const known = new Set(current.map((row) => row.id));
          return [...current, ...page.data.filter((row) => !known.has(row.id))];
        });
        setNextCursor(page.nextCursor);
      },
      (failure: unknown) => setError(failure),
    );
  };

  // Keyboard: j/k move, Enter opens, / searches — except while typing in a field.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.isContentEditable;
      if (event.key === '/' && !typing) {
        event.preventDefault();
        searchBox.current?.focus();
        searchBox.current?.select();
        return;
      }
      if (typing || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === 'j') setSelected((index) => Math.min(index + 1, rowsRef.current.length - 1));
      else if (event.key === 'k') setSelected((index) => Math.max(index - 1, 0));
      else if (event.key === 'Enter') {
        const row = rowsRef.current[selectedRef.current];
        if (row) navigate(`/tickets/${row.id}`);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const selectedRef = useRef(0);
  selectedRef.current = selected;
  useEffect(() => {
    document.querySelector(`[data-row-index="${selected}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const shop = (ticket: Ticket) => wb.connections.get(ticket.connectionId)?.name ?? '';
  const assignee = (id: string | null) =>
    id === null ? '—' : id === me.apiKeyId ? t('assigneeMine') : id.slice(0, 8);
  const active = activeFilterCount(filters);

  return (
    <div className="inbox">
      <div className="filters" data-testid="filters">
        <form
          className="search"
          onSubmit={(event) => {
            event.preventDefault();
            update({ q: searchText });
          }}
        >
          <input
            ref={searchBox}
            type="search"
            name="q"
            placeholder={t('search')}
            value={searchText}
            onChange={(event) => setSearchText(event.target.value)}
            onBlur={() => searchText !== filters.q && update({ q: searchText })}
          />
        </form>
        <MultiSelect
          label={t('filterStatus')}
          name="status"
          options={STATUSES}
          value={filters.status}
          render={(value) => t(`status.${value}`)}
          onChange={(status) => update({ status })}
        />
        <MultiSelect
          label={t('filterStage')}
          name="stage"
          options={STAGES}
          value={filters.stage}
          render={(value) => t(`stage.${value}`)}
          onChange={(stage) => update({ stage })}
        />
        <MultiSelect
          label={t('filterPlatform')}
          name="platform"
          options={PLATFORMS}
          value={filters.platform}
          render={(value) => t(`platform.${value}`)}
          onChange={(platform) => update({ platform })}
        />
        <MultiSelect
          label={t('filterDepartment')}
          name="department"
          options={DEPARTMENTS}
          value={filters.department}
          render={(value) => t(`department.${value}`)}
          onChange={(department) => update({ department })}
        />
        <MultiSelect
          label={t('filterSeverity')}
          name="severity"
          options={SEVERITIES}
          value={filters.severity}
          render={(value) => t(`severity.${value}`)}
          onChange={(severity) => update({ severity })}
        />
        <MultiSelect
          label={t('filterCategory')}
          name="category"
          options={CATEGORIES}
          value={filters.category}
          render={(value) => t(`category.${value}`)}
          onChange={(category) => update({ category })}
        />
        <MultiSelect
          label={t('filterKind')}
          name="kind"
          options={KINDS}
          value={filters.kind}
          render={(value) => t(`kind.${value}`)}
          onChange={(kind) => update({ kind })}
        />
        <MultiSelect
          label={t('filterSla')}
          name="slaState"
          options={SLA_STATES}
          value={filters.slaState}
          render={(value) => t(`sla.${value}`)}
          onChange={(slaState) => update({ slaState })}
        />
        <label className="inline">
          {t('filterAssignee')}
          <select
            name="assignee"
            value={filters.assignee}
            onChange={(event) => update({ assignee: event.target.value as InboxFilters['assignee'] })}
          >
            <option value="">{t('assigneeAny')}</option>
            <option value="mine">{t('assigneeMine')}</option>
            <option value="none">{t('assigneeNone')}</option>
          </select>
        </label>
        <label className="inline">
          {t('filterTag')}
          <input
            name="tag"
            size={8}
            defaultValue={filters.tag}
            key={`tag-${filters.tag}`}
            onBlur={(event) => event.target.value !== filters.tag && update({ tag: event.target.value })}
            onKeyDown={(event) => event.key === 'Enter' && update({ tag: event.currentTarget.value })}
          />
        </label>
        <label className="inline">
          {t('filterFrom')}
          <input
            type="date"
            name="createdFrom"
            value={filters.createdFrom}
            onChange={(event) => update({ createdFrom: event.target.value })}
          />
        </label>
        <label className="inline">
          {t('filterTo')}
          <input
            type="date"
            name="createdTo"
            value={filters.createdTo}
            onChange={(event) => update({ createdTo: event.target.value })}
          />
        </label>
        <label className="inline">
          {t('sortBy')}
          <select
            name="sort"
            value={filters.sort}
            onChange={(event) => update({ sort: event.target.value as InboxFilters['sort'] })}
          >
            {SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {t(`sort.${sort}`)}
              </option>
            ))}
          </select>
        </label>
        {active > 0 && (
          <button type="button" className="link" onClick={() => setFilters(DEFAULT_FILTERS)}>
            {t('clearFilters')} ({active})
          </button>
        )}
      </div>
      <ErrorNote error={error} />
      <div className="hint muted">{t('keyboardHint')}</div>
      <table className="tickets" data-testid="ticket-table" data-loading={loading ? 'true' : 'false'}>
        <thead>
          <tr>
            <th>{t('colNumber')}</th>
            <th>{t('colPlatform')}</th>
            <th>{t('colKind')}</th>
            <th>{t('colReason')}</th>
            <th className="num">{t('colAmount')}</th>
            <th>{t('colBuyer')}</th>
            <th>{t('colCategory')}</th>
            <th>{t('colSeverity')}</th>
            <th>{t('colDepartment')}</th>
            <th>{t('colAssignee')}</th>
            <th>{t('colSla')}</th>
            <th>{t('colCreated')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((ticket, index) => (
            <tr
              key={ticket.id}
              data-testid="ticket-row"
              data-ticket-id={ticket.id}
              data-row-index={index}
              className={`${index === selected ? 'selected' : ''} ${fresh.has(ticket.id) ? 'fresh' : ''}`}
              onClick={() => navigate(`/tickets/${ticket.id}`)}
              onMouseEnter={() => setSelected(index)}
            >
              <td>
                <a href={`#/tickets/${ticket.id}`}>#{ticket.number}</a>
                <div className={`status status-${ticket.status}`}>{t(`status.${ticket.status}`)}</div>
              </td>
              <td>
                {t(`platform.${ticket.platform}`)}
                <div className="muted small">{shop(ticket)}</div>
              </td>
              <td>
                {t(`kind.${ticket.kind}`)}
                <div className="muted small">{t(`stage.${ticket.stage}`)}</div>
              </td>
              <td className="reason" title={ticket.reason ?? ''}>
                {ticket.reason ?? '—'}
                {ticket.tags.length > 0 && (
                  <div className="tags">
                    {ticket.tags.map((tag) => (
                      <span key={tag} className="tag">
                        {tag}
                      </span>
                    ))}
                  </div>
                )}
              </td>
              <td className="num">{formatMoney(ticket.requestedAmount, locale)}</td>
              <td>
                {ticket.buyer?.displayName ?? '—'}
                {ticket.buyer?.vip && <span className="badge vip">{t('vip')}</span>}
              </td>
              <td>{t(`category.${ticket.category}`)}</td>
              <td>
                <span className={`sev sev-${ticket.severity}`}>{t(`severity.${ticket.severity}`)}</span>
              </td>
              <td>{t(`department.${ticket.department}`)}</td>
              <td>{assignee(ticket.assigneeId)}</td>
              <td>
                <SlaBadge ticket={ticket} now={now} />
              </td>
              <td className="small">{formatDateTime(ticket.createdAt, timeZone)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && rows.length === 0 && <p className="empty">{t('noTickets')}</p>}
      {loading && rows.length === 0 && <p className="empty">{t('loading')}</p>}
      {nextCursor && (
        <button type="button" className="more" onClick={loadMore}>
          {t('loadMore')}
        </button>
      )}
    </div>
  );
}
