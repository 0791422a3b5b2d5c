import { createContext, useContext } from 'react';
import type { Api, Connection, Me, PlatformInfo } from './lib/api';
import type { Locale } from './lib/format';
import type { Translate } from './lib/i18n';
import type { LiveEvent, LiveMode } from './lib/live';

export interface Workbench {
  api: Api;
  me: Me;
  locale: Locale;
  t: Translate;
  timeZone: string;
  platforms: PlatformInfo[];
  connections: Map<string, Connection>;
  reloadConnections: () => void;
  liveMode: LiveMode;
  /** Listens to live changes; returns the unsubscribe function. */
  onLive: (listener: (event: LiveEvent) => void) => () => void;
  can: (role: 'agent' | 'admin') => boolean;
}

export const WorkbenchContext = createContext<Workbench | null>(null);

export function useWorkbench(): Workbench {
  const value = useContext(WorkbenchContext);
  if (!value) throw new Error('useWorkbench outside the signed-in app');
  return value;
}
