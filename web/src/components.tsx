import { useEffect, useState, type ReactNode } from 'react';
import { useWorkbench } from './context';
import { formatDuration } from './lib/format';
import { slaCountdown } from './lib/sla';
import type { Ticket } from './lib/api';

/** The clock re-renders the countdowns; a coarse tick is enough for minutes and keeps long lists cheap. */
export function useNow(intervalMs = 5_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function SlaBadge({ ticket, now }: { ticket: Ticket; now: Date }) {
  const { t, locale } = useWorkbench();
  const countdown = slaCountdown(ticket.sla, ticket.createdAt, now, ticket.status === 'pending');
  if (countdown.clock === null) {
    return (
      <span className={`sla sla-${countdown.tone}`} data-sla-tone={countdown.tone}>
        {countdown.tone === 'red' ? t('sla.breached') : t('slaDone')}
      </span>
    );
  }
  const label = countdown.clock === 'first_response' ? t('slaFirstResponse') : t('slaResolution');
  const remaining = countdown.remainingSeconds ?? 0;
  const text =
    ticket.status === 'pending'
      ? t('slaPaused')
      : remaining < 0
        ? `${formatDuration(-remaining, locale)} ${t('slaOverdue')}`
        : formatDuration(remaining, locale);
  return (
    <span
      className={`sla sla-${countdown.tone}`}
      data-sla-tone={countdown.tone}
      title={countdown.dueAt ?? ''}
    >
      {label} {text}
    </span>
  );
}

/** One open drop-down at a time: a click elsewhere or Escape closes it, as a select would. */
export function useCloseDropdowns(): void {
  useEffect(() => {
    const closeAll = (except: Element | null) => {
      for (const open of document.querySelectorAll('details.multiselect[open]')) {
        if (open !== except) open.removeAttribute('open');
      }
    };
    const onClick = (event: MouseEvent) =>
      closeAll((event.target as Element).closest?.('details.multiselect') ?? null);
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') closeAll(null);
    };
    document.addEventListener('click', onClick);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('click', onClick);
      document.removeEventListener('keydown', onKey);
    };
  }, []);
}

export function MultiSelect(props: {
  label: string;
  name: string;
  options: readonly string[];
  value: string[];
  render: (option: string) => string;
  onChange: (value: string[]) => void;
  /** Name every chosen option in the summary, not only their count. */
  showAll?: boolean;
}) {
  const { locale } = useWorkbench();
  const count = props.value.length;
  const chosen =
    count === 0
      ? ''
      : count === 1 || props.showAll
        ? props.value.map(props.render).join(locale === 'zh' ? '、' : ', ')
        : String(count);
  return (
    <details className="multiselect" data-filter={props.name}>
      <summary className={count > 0 ? 'on' : ''}>
        {props.label}
        {chosen ? ` · ${chosen}` : ''}
      </summary>
      <div className="options">
        {props.options.map((option) => (
          <label key={option}>
            <input
              type="checkbox"
              name={`${props.name}.${option}`}
              checked={props.value.includes(option)}
              onChange={(event) =>
                props.onChange(
                  event.target.checked
                    ? [...props.value, option]
                    : props.value.filter((item) => item !== option),
                )
              }
            />
            {props.render(option)}
          </label>
        ))}
      </div>
    </details>
  );
}

export function Section(props: {
  title: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  testId?: string;
}) {
  return (
    <section className="card" data-testid={props.testId}>
      <div className="card-head">
        <h3>{props.title}</h3>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useWorkbench();
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const problems =
    typeof (error as { fieldProblems?: () => string[] }).fieldProblems === 'function'
      ? (error as { fieldProblems: () => string[] }).fieldProblems()
      : [];
  return (
    <div className="error" role="alert">
      {message}
      {problems.length > 0 && (
        <ul>
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}
