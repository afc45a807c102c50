import { createHash } from 'node:crypto';
import { signToken, verifyToken } from '../domain/signing.ts';
import { HANDOFF_TTL_S, type OpenOutcome } from './handoffs.ts';

// The phone's side of a hand-off link (docs/embed.md). `GET /c/{code}` only shows a page with a
// "Continue here" button and changes nothing: a messenger or mail client that fetches the link for
// a preview must not spend the single-use code. The button posts the form back to the same URL with
// a nonce the server signed for this code; only that POST spends the code. A page of another origin
// cannot read the nonce (same-origin policy), so it cannot make the phone's browser spend a code
// either (CSRF), and a preview bot that never submits forms never spends one.

const PURPOSE = 'handoff-open';

const codeRef = (code: string) => createHash('sha256').update(`open:${code}`).digest('base64url').slice(0, 22);

/** A nonce for the confirm page of `code`, valid as long as a link is (HANDOFF_TTL_S). */
export function openNonce(secret: string, code: string, nowMs: number): string {
  return signToken(secret, PURPOSE, { c: codeRef(code), exp: Math.floor(nowMs / 1000) + HANDOFF_TTL_S });
}

/** Whether `nonce` was signed by this server for the page of this very code, and is not stale. */
export function checkOpenNonce(secret: string, code: string, nonce: unknown, nowMs: number): boolean {
  if (typeof nonce !== 'string' || nonce.length > 200) return false;
  const r = verifyToken<{ c: string; exp: number }>(secret, PURPOSE, nonce, nowMs);
  return r.ok && r.payload.c === codeRef(code);
}

/** A phone-sized page: the button is a full-width tap target of 48 px (WCAG 2.5.5 asks for 44). */
const STYLE = 'body{font-family:system-ui,sans-serif;max-width:32rem;margin:0 auto;padding:1.5rem;line-height:1.5}'
  + 'button{width:100%;min-height:48px;font-size:1.1rem;border:0;border-radius:8px;background:#1d4ed8;color:#fff}';

/** The page's own policy: no script, no subresource, only its own inline style (by hash); the form may post only to this origin. */
export const OPEN_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

const HEAD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Identity verification</title><style>${STYLE}</style></head>`;

/** The confirm page: the code is checked against CODE_PATTERN before it gets here, so it is safe in the action URL. */
export function confirmPage(code: string, nonce: string): string {
  return `${HEAD}<body><h1>Continue your verification on this phone</h1>`
    + '<p>You started an identity verification on another device. Continue here to take the photos with this phone; the other device will then only show the progress.</p>'
    + `<form method="post" action="/c/${code}" data-testid="handoff-confirm"><input type="hidden" name="nonce" value="${nonce}">`
    + '<button type="submit" data-action="handoff-continue">Continue here</button></form></body></html>';
}

const MESSAGES: Record<Exclude<OpenOutcome['outcome'], 'opened'> | 'stale', string> = {
  not_found: 'This link is not valid. Scan the code shown on your computer again.',
  expired: 'This link has expired. On your computer, ask for a new code.',
  used: 'This link was already used. On your computer, ask for a new code.',
  stale: 'This page is out of date. Scan the code shown on your computer again.',
};
export type LinkProblem = keyof typeof MESSAGES;

/** A phone that scanned a spent code gets a sentence, not JSON. Static text only: nothing from the request is echoed. */
export function linkPage(outcome: LinkProblem): string {
  return `${HEAD}<body><h1>Link not usable</h1><p data-outcome="${outcome}">${MESSAGES[outcome]}</p></body></html>`;
}
