// Events for a page that embeds the capture page (web/embed, <vkyc-capture>): posted to the parent
// window only, and only to the project's allowed origins (never '*': the data names the session).
// Shape and list: README "Capture page" and docs/embed.md. Version 1; a breaking change gets 2.

export type EmbedEventType = 'started' | 'step_completed' | 'completed' | 'error' | 'canceled';

export interface EmbedMessage {
  source: 'vkyc';
  version: 1;
  type: EmbedEventType;
  data: Record<string, unknown>;
}

interface Target {
  postMessage(message: unknown, targetOrigin: string): void;
}

export class EmbedEvents {
  private sent = new Set<string>();

  constructor(
    private readonly origins: readonly string[],
    private readonly parent: Target | null,
    /** location.ancestorOrigins[0] where the browser has it (Chromium, Safari): the real parent. */
    private readonly parentOrigin: string | null,
  ) {}

  static forWindow(origins: readonly string[]): EmbedEvents {
    const framed = typeof window !== 'undefined' && window.parent !== window;
    // 'null' (an opaque parent) tells nothing: then every allowed origin is tried.
    const first = framed ? (location.ancestorOrigins?.[0] ?? null) : null;
    const ancestor = first && first !== 'null' ? first : null;
    return new EmbedEvents(origins, framed ? window.parent : null, ancestor);
  }

  /** Inside a frame of an allowed origin: the page leaves redirects and the final word to its host. */
  get embedded(): boolean {
    return this.targets().length > 0;
  }

  /** The origins to post to: the known parent if it is allowed, else every allowed one (the browser delivers to the matching one only). */
  private targets(): readonly string[] {
    if (!this.parent) return [];
    if (this.parentOrigin !== null) return this.origins.includes(this.parentOrigin) ? [this.parentOrigin] : [];
    return this.origins;
  }

  emit(type: EmbedEventType, data: Record<string, unknown> = {}, once = type === 'started' || type === 'completed' || type === 'canceled'): void {
    const key = type === 'step_completed' ? `${type}:${String(data.step)}` : type;
    if (once || type === 'step_completed') {
      if (this.sent.has(key)) return;
      this.sent.add(key);
    }
    const message: EmbedMessage = { source: 'vkyc', version: 1, type, data };
    for (const origin of this.targets()) {
      try {
        this.parent?.postMessage(message, origin);
      } catch (e) {
        console.warn('postMessage failed', e);
      }
    }
  }
}
