import { useEffect, useState } from 'react';

/** Hash routes (`#/inbox?…`, `#/tickets/<id>`, `#/dashboard`, `#/settings/<tab>`): the hub serves one file. */
export interface Route {
  path: string[];
  search: string;
}

function parse(): Route {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = hash.split('?');
  return { path: path.split('/').filter(Boolean), search };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const update = () => setRoute(parse());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function navigate(to: string, replace = false): void {
  const hash = `#${to}`;
  if (replace) {
    history.replaceState(null, '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = hash;
  }
}
