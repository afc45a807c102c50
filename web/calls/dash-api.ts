// The dashboard API as the agent console uses it: the sign-in cookie authenticates, writes carry
// the CSRF token from GET /me (docs/accounts.md). Every path the console calls is in PATHS, in one
// place, so the pages follow the server's API document (docs/live-calls-api.md) by editing here.

export class DashError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Me {
  user: { id: string; login: string; name?: string | null; display_name?: string | null };
  roles: string[];
  project: { id: string; name: string } | null;
  csrf_token: string;
}

const enc = encodeURIComponent;
export const PATHS = {
  me: '/dashboard/api/me',
  consoleWs: '/dashboard/api/agents/ws',
  console: '/dashboard/api/agents/console',
  myStatus: '/dashboard/api/agents/me/status',
  next: '/dashboard/api/agents/next',
  offer: (id: string, what: 'accept' | 'decline') => `/dashboard/api/agents/offers/${enc(id)}/${what}`,
  callbackDone: (id: string) => `/dashboard/api/agents/callbacks/${enc(id)}/done`,
  workspace: (id: string) => `/dashboard/api/calls/${enc(id)}/workspace`,
  stills: (id: string) => `/dashboard/api/calls/${enc(id)}/stills`,
  frames: (id: string) => `/dashboard/api/calls/${enc(id)}/frames`,
  question: (id: string, q: string) => `/dashboard/api/calls/${enc(id)}/questions/${enc(q)}`,
  notes: (id: string) => `/dashboard/api/calls/${enc(id)}/notes`,
  decision: (id: string) => `/dashboard/api/calls/${enc(id)}/decision`,
  leave: (id: string) => `/dashboard/api/calls/${enc(id)}/leave`,
  /** Asked of h3 (notes/h4-to-h3.md): the agent_* project settings behind the dashboard cookie. */
  agentSettings: '/dashboard/api/agents/settings',
} as const;

export class DashApi {
  private csrf = '';

  async me(): Promise<Me> {
    const me = await this.get<Me>(PATHS.me);
    this.csrf = me.csrf_token;
    return me;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PATCH', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PUT', path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') Object.assign(headers, { 'content-type': 'application/json', 'x-csrf-token': this.csrf });
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body), credentials: 'same-origin' });
    } catch (e) {
      throw new DashError('network_error', 0, `the server could not be reached (${String(e)})`);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // a proxy's HTML error page: the status says enough
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
      throw new DashError(err?.code ?? `http_${res.status}`, res.status, err?.message ?? `HTTP ${res.status}`);
    }
    return json as T;
  }
}

/** Tiny element builder: attributes, then children (strings become text nodes: never HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: Array<Node | string | null | undefined | false>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function fmtSeconds(s: number): string {
  const m = Math.floor(s / 60);
  return m ? `${m} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`;
}
