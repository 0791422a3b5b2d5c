import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { WorkbenchContext, type Workbench } from './context';
import { Api, ApiError, type Connection, type Me, type Page, type PlatformInfo } from './lib/api';
import type { Locale } from './lib/format';
import { translator } from './lib/i18n';
import { connectLive, type LiveEvent, type LiveMode } from './lib/live';
import { navigate, useRoute } from './router';
import { Inbox } from './screens/Inbox';
import { SignIn } from './screens/SignIn';
import { TicketScreen } from './screens/Ticket';
import { storedKey, storedLocale, storeKey, storeLocale, takeSignInFromUrl } from './session';

// Charts are the heaviest part of the bundle and only the dashboard needs them.
const Dashboard = lazy(() => import('./screens/Dashboard'));
// Admins alone configure: the settings screens load when first opened, not with every agent's inbox.
const Settings = lazy(() => import('./screens/Settings').then((module) => ({ default: module.Settings })));

interface Loaded {
  me: Me;
  platforms: PlatformInfo[];
  connections: Connection[];
  timeZone: string;
}

interface SlaPolicies {
  policies: Record<string, { businessHours: { timezone: string } | null }>;
}

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

async function load(api: Api): Promise<Loaded> {
  const me = await api.get<Me>('/v1/me');
  const [platforms, connections, sla] = await Promise.all([
    api.get<{ data: PlatformInfo[] }>('/v1/platforms'),
    api.get<Page<Connection>>('/v1/connections?limit=200'),
    api.get<SlaPolicies>('/v1/sla-policies').catch(() => null),
  ]);
  // The tenant's zone is the one its SLA business hours are kept in; without any, the browser's.
  const zone = Object.values(sla?.policies ?? {}).find((policy) => policy.businessHours)?.businessHours
    ?.timezone;
  return { me, platforms: platforms.data, connections: connections.data, timeZone: zone ?? browserZone() };
}

export function App() {
  const [key, setKey] = useState<string | null>(() => takeSignInFromUrl() ?? storedKey());
  const [locale, setLocale] = useState<Locale>(storedLocale);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [signInError, setSignInError] = useState<string | null>(null);
  const [liveMode, setLiveMode] = useState<LiveMode>('connecting');
  const listeners = useRef(new Set<(event: LiveEvent) => void>());
  const route = useRoute();
  const t = useMemo(() => translator(locale), [locale]);

  const signOut = useCallback(() => {
    storeKey(null);
    setKey(null);
    setLoaded(null);
  }, []);

  const api = useMemo(
    () =>
      key
        ? new Api(key, () => {
            setSignInError('signInFailed');
            signOut();
          })
        : null,
    [key, signOut],
  );

  useEffect(() => {
    document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
    document.title = t('appName');
  }, [locale, t]);

  useEffect(() => {
    if (!api) return;
    let cancelled = false;
    load(api).then(
      (result) => {
        if (!cancelled) {
          setSignInError(null);
          setLoaded(result);
        }
      },
      (error: unknown) => {
        if (cancelled) return;
        if (error instanceof ApiError && error.status === 401) return;
        setSignInError(error instanceof Error ? error.message : String(error));
        signOut();
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, signOut]);

  useEffect(() => {
    if (!key || !loaded) return;
    return connectLive(
      key,
      (event) => {
        for (const listener of listeners.current) listener(event);
      },
      setLiveMode,
    );
  }, [key, loaded]);

  const reloadConnections = useCallback(() => {
    if (!api) return;
    api.get<Page<Connection>>('/v1/connections?limit=200').then(
      (page) => setLoaded((current) => (current ? { ...current, connections: page.data } : current)),
      () => undefined,
    );
  }, [api]);

  const workbench = useMemo<Workbench | null>(() => {
    if (!api || !loaded) return null;
    const rank = { viewer: 0, agent: 1, admin: 2 };
    return {
      api,
      me: loaded.me,
      locale,
      t,
      timeZone: loaded.timeZone,
      platforms: loaded.platforms,
      connections: new Map(loaded.connections.map((connection) => [connection.id, connection])),
      reloadConnections,
      liveMode,
      onLive: (listener) => {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
      can: (role) => rank[loaded.me.role] >= rank[role],
    };
  }, [api, loaded, locale, t, liveMode, reloadConnections]);

  const switchLocale = () => {
    const next = locale === 'zh' ? 'en' : 'zh';
    storeLocale(next);
    setLocale(next);
  };

  if (!key) {
    return (
      <SignIn
        t={t}
        error={signInError ? t(signInError) : null}
        onSwitchLocale={switchLocale}
        onSignIn={(value) => {
          storeKey(value);
          setSignInError(null);
          setKey(value);
          navigate('/inbox', true);
        }}
      />
    );
  }
  if (!workbench) return <div className="splash">{t('loading')}</div>;

  const [screen = 'inbox', id] = route.path;
  const roleLabel = t(`role${workbench.me.role[0].toUpperCase()}${workbench.me.role.slice(1)}`);
  const liveLabel = { stream: t('liveStream'), polling: t('livePolling'), connecting: t('liveOffline') }[
    liveMode
  ];

  return (
    <WorkbenchContext.Provider value={workbench}>
      <header className="topbar">
        <strong className="brand">{t('appName')}</strong>
        <nav>
          <a href="#/inbox" className={screen === 'inbox' || screen === 'tickets' ? 'active' : ''}>
            {t('inbox')}
          </a>
          <a href="#/dashboard" className={screen === 'dashboard' ? 'active' : ''}>
            {t('dashboard')}
          </a>
          {workbench.can('admin') && (
            <a href="#/settings" className={screen === 'settings' ? 'active' : ''}>
              {t('settings')}
            </a>
          )}
        </nav>
        <span className="spacer" />
        <span className={`live live-${liveMode}`} data-testid="live-mode" data-mode={liveMode}>
          ● {liveLabel}
        </span>
        <span className="muted" title={t('timezone')}>
          {workbench.timeZone}
        </span>
        <span className="who">
          {workbench.me.tenant.name} · {workbench.me.name ?? roleLabel} ({roleLabel})
        </span>
        <button type="button" className="link" onClick={switchLocale}>
          {t('language')}
        </button>
        <button type="button" className="link" onClick={signOut}>
          {t('signOut')}
        </button>
      </header>
      <main>
        {screen === 'tickets' && id ? (
          <TicketScreen key={id} id={id} />
        ) : screen === 'dashboard' ? (
          <Suspense fallback={<div className="splash">{t('loading')}</div>}>
            <Dashboard />
          </Suspense>
        ) : screen === 'settings' ? (
          <Suspense fallback={<div className="splash">{t('loading')}</div>}>
            <Settings tab={id ?? 'connections'} />
          </Suspense>
        ) : (
          <Inbox search={route.search} />
        )}
      </main>
    </WorkbenchContext.Provider>
  );
}
