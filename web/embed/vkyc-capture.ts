// <vkyc-capture session="…">: the hosted capture page in an iframe, with its events re-dispatched
// as DOM CustomEvents on the element (started, step_completed, completed, error, canceled; the
// message's `data` is the event's `detail`). Served as /embed.js by the vkyc server (docs/embed.md).
//
// `session` is the capture URL the API returned (https://kyc.example/capture/cap_…) or just its
// token (cap_…, resolved against the origin this script was loaded from). Messages are accepted
// only from that frame (event.source) and that origin (event.origin), and only in the versioned
// shape { source: 'vkyc', version: 1, type, data }.

import { captureUrl } from './capture-url.ts';

const EVENTS = new Set(['started', 'step_completed', 'completed', 'error', 'canceled']);

/** Where this script came from: a bare token is resolved against it. Read once, at load. */
const scriptOrigin = (() => {
  const src = (document.currentScript as HTMLScriptElement | null)?.src;
  try {
    return src ? new URL(src).origin : location.origin;
  } catch {
    return location.origin;
  }
})();

interface Message { source: unknown; version: unknown; type: unknown; data: unknown }

class VkycCapture extends HTMLElement {
  static observedAttributes = ['session'];
  private frame: HTMLIFrameElement | null = null;
  private origin = '';
  private readonly onMessage = (e: MessageEvent) => {
    if (!this.frame || e.source !== this.frame.contentWindow || e.origin !== this.origin) return;
    const m = e.data as Message | null;
    if (!m || m.source !== 'vkyc' || m.version !== 1 || typeof m.type !== 'string' || !EVENTS.has(m.type)) return;
    this.dispatchEvent(new CustomEvent(m.type, { detail: m.data ?? {}, bubbles: true, composed: true }));
  };

  connectedCallback(): void {
    window.addEventListener('message', this.onMessage);
    this.render();
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.onMessage);
  }

  attributeChangedCallback(): void {
    if (this.isConnected) this.render();
  }

  private render(): void {
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const url = captureUrl(this.getAttribute('session') ?? '', scriptOrigin);
    if (!url) {
      root.replaceChildren();
      this.frame = null;
      this.dispatchEvent(new CustomEvent('error', { detail: { code: 'invalid_session_attribute', message: 'session must be a capture URL or a cap_ token' }, bubbles: true, composed: true }));
      return;
    }
    const style = document.createElement('style');
    style.textContent = ':host{display:block;min-height:640px}iframe{border:0;width:100%;height:100%;min-height:inherit;display:block}';
    const frame = document.createElement('iframe');
    // Camera and microphone for the capture, geolocation for sessions that ask for it.
    frame.allow = 'camera; microphone; geolocation';
    frame.title = this.getAttribute('title') ?? 'Identity verification';
    frame.src = url.href;
    this.origin = url.origin;
    this.frame = frame;
    root.replaceChildren(style, frame);
  }
}

if (!customElements.get('vkyc-capture')) customElements.define('vkyc-capture', VkycCapture);
