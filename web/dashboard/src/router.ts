import { useEffect, useState } from 'preact/hooks';

// Routes live in the URL fragment (#/sessions/ses_…?tab=…): /dashboard stays the one page the
// server serves, reload and back/forward work, and a link can be shared with a colleague.

export interface Route { path: string[]; query: URLSearchParams }

export function parse(hash: string): Route {
  const [p = '', q = ''] = hash.replace(/^#\/?/, '').split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q) };
}

export function useRoute(): Route {
  const [r, setR] = useState(() => parse(location.hash));
  useEffect(() => {
    const on = () => setR(parse(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return r;
}

export const href = (path: string, query?: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v) q.set(k, v);
  const s = q.toString();
  return `#/${path}${s ? `?${s}` : ''}`;
};
export const go = (path: string, query?: Record<string, string | undefined>) => { location.hash = href(path, query); };
