// Kept apart from the element so it can be tested without a DOM.

/** The capture page URL for a `session` attribute, or null when it is neither an http(s) URL nor a token. */
export function captureUrl(session: string, base: string): URL | null {
  const v = session.trim();
  if (/^cap_[A-Za-z0-9._-]+$/.test(v)) return new URL(`/capture/${v}`, base);
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.pathname.startsWith('/capture/') ? u : null;
  } catch {
    return null;
  }
}
