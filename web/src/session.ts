/** The API key lives in sessionStorage: one tab, forgotten when it closes. */
const KEY = 'hub.apiKey';
const LOCALE = 'hub.locale';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

/**
 * `#signin=<key>` (the demo's one-click link): the key is stored and removed from the address bar at
 * once, so it is neither bookmarked nor left in the history.
 */
export function takeSignInFromUrl(): string | null {
  const match = /(?:^#|[#&])signin=([^&]+)/.exec(window.location.hash);
  if (!match) return null;
  const key = decodeURIComponent(match[1]);
  storeKey(key);
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/inbox`);
  return key;
}

export function storedLocale(): 'zh' | 'en' {
  const saved = localStorage.getItem(LOCALE);
  if (saved === 'zh' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

export function storeLocale(locale: 'zh' | 'en'): void {
  localStorage.setItem(LOCALE, locale);
}
