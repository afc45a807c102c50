// Client of the capture API (docs/capture-api.md). Every call carries the capture token; every
// failure becomes an ApiError with the server's machine-readable code, or `network_error` when the
// server could not be reached, so screens can pick what to tell the user from one place.

export type StepName = 'document' | 'selfie' | 'video';

export interface CaptureSession {
  session_id: string;
  status: string;
  steps: StepName[];
  video_mode: 'self_record' | 'live_agent';
  video_max_duration: number;
  language: string;
  expires_at: string;
  completed_steps: string[];
  redirect_url: string | null;
  document_back_required: boolean;
  phrase: { kind: string; text: string } | null;
  challenges: { type: string; at_seconds: number }[];
  /** Seconds the page waits for one challenge before a retry prompt (older servers: absent → 8). */
  challenge_timeout_seconds: number;
  /** live_agent sessions after `complete`: the user waits for an agent on this page. */
  waiting_room: boolean;
}

export type UploadFallback = 'off' | 'on_camera_failure' | 'always';

/** The project's look on this page (Settings → Project in the dashboard); null fields: vkyc's own. */
export interface Branding {
  name: string | null;
  logo_data_url: string | null;
  color: string | null;
}

/** The project's settings for this page (GET /v1/capture/page-settings). */
export interface PageSettings {
  embed_origins: string[];
  document_upload_fallback: UploadFallback;
  branding: Branding;
}

export const DEFAULT_PAGE_SETTINGS: PageSettings = { embed_origins: [], document_upload_fallback: 'off', branding: { name: null, logo_data_url: null, color: null } };

const str = (v: unknown, re?: RegExp): string | null => (typeof v === 'string' && v && (!re || re.test(v)) ? v : null);

export interface HandoffLink {
  url: string;
  expires_at: string;
  qr_svg: string;
}

export interface HandoffState {
  state: 'none' | 'waiting' | 'opened';
  can_upload: boolean;
  is_handoff_device: boolean;
}

export interface Artifact {
  kind: string;
  bytes: number;
  content_type: string;
}

export interface CompleteResult {
  session_id: string;
  status: string;
  redirect_url: string | null;
  waiting_room?: boolean;
}

export interface ClientInfo {
  user_agent?: string;
  timezone?: string;
  language?: string;
  screen?: { width: number; height: number; pixel_ratio: number };
  camera_label?: string;
  webrtc?: boolean;
  platform?: string;
  languages?: string[];
  hardware_concurrency?: number;
  device_memory?: number;
  touch?: boolean;
  webdriver?: boolean;
  gpu?: string;
  camera_frame_interval_sd_ms?: number;
  camera_frame_intervals?: number;
}

/**
 * What the page saw while recording, sent with `complete` (docs/capture-api.md). Times are seconds
 * since MediaRecorder start. The server re-checks everything on the video; these only narrow its search.
 */
export interface CompleteBody {
  phrase_window: { from: number; to: number } | null;
  challenge_events: { type: string; index: number; shown_at: number; seen_at: number | null }[];
}

/** The contract's example value, used when an older server does not send challenge_timeout_seconds. */
export const DEFAULT_CHALLENGE_TIMEOUT_S = 8;

export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const STEP_NAMES: readonly string[] = ['document', 'selfie', 'video'];

/** The server is ours but the page must not crash on a shape it did not expect: check what we use. */
export function parseSession(x: unknown): CaptureSession {
  const o = x as Partial<CaptureSession> | null;
  const ok =
    !!o &&
    typeof o.session_id === 'string' &&
    typeof o.status === 'string' &&
    Array.isArray(o.steps) &&
    o.steps.every((s) => STEP_NAMES.includes(s)) &&
    typeof o.video_max_duration === 'number';
  if (!ok || !o) throw new ApiError('bad_response', 0, 'unexpected session shape');
  return {
    session_id: o.session_id!,
    status: o.status!,
    steps: o.steps!,
    video_mode: o.video_mode === 'live_agent' ? 'live_agent' : 'self_record',
    video_max_duration: o.video_max_duration!,
    language: typeof o.language === 'string' ? o.language : 'en',
    expires_at: typeof o.expires_at === 'string' ? o.expires_at : '',
    completed_steps: Array.isArray(o.completed_steps) ? o.completed_steps : [],
    redirect_url: typeof o.redirect_url === 'string' ? o.redirect_url : null,
    document_back_required: o.document_back_required === true,
    phrase: o.phrase && typeof o.phrase.text === 'string' ? o.phrase : null,
    challenges: Array.isArray(o.challenges) ? o.challenges.filter((c) => typeof c?.type === 'string' && typeof c.at_seconds === 'number') : [],
    challenge_timeout_seconds: typeof o.challenge_timeout_seconds === 'number' && o.challenge_timeout_seconds > 0 ? o.challenge_timeout_seconds : DEFAULT_CHALLENGE_TIMEOUT_S,
    waiting_room: o.waiting_room === true,
  };
}

export async function errorFromResponse(res: { status: number; text(): Promise<string> }): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = `HTTP ${res.status}`;
  try {
    const body = JSON.parse(await res.text()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON (a proxy error page): keep the HTTP status as the code.
  }
  return new ApiError(code, res.status, message);
}

export class CaptureApi {
  constructor(
    readonly token: string,
    readonly base = '',
  ) {}

  get authHeader(): string {
    return `Bearer ${this.token}`;
  }

  async call<T>(method: string, path: string, body?: BodyInit, contentType?: string): Promise<T> {
    const headers: Record<string, string> = { Authorization: this.authHeader };
    if (contentType) headers['Content-Type'] = contentType;
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers, body: body ?? null, credentials: 'omit' });
    } catch (e) {
      throw new ApiError('network_error', 0, String(e));
    }
    if (!res.ok) throw await errorFromResponse(res);
    return (await res.json()) as T;
  }

  async session(): Promise<CaptureSession> {
    return parseSession(await this.call<unknown>('GET', '/v1/capture/session'));
  }

  async putImage(slot: 'document/front' | 'document/back' | 'selfie', image: Blob): Promise<Artifact> {
    const r = await this.call<{ artifact: Artifact }>('PUT', `/v1/capture/${slot}`, image, image.type || 'image/jpeg');
    return r.artifact;
  }

  async pageSettings(): Promise<PageSettings> {
    const r = await this.call<Partial<PageSettings>>('GET', '/v1/capture/page-settings');
    const fallback = r.document_upload_fallback;
    return {
      embed_origins: Array.isArray(r.embed_origins) ? r.embed_origins.filter((o) => typeof o === 'string') : [],
      document_upload_fallback: fallback === 'on_camera_failure' || fallback === 'always' ? fallback : 'off',
      branding: {
        name: str(r.branding?.name),
        // Only inline images: the page's CSP allows data: images and nothing from other hosts.
        logo_data_url: str(r.branding?.logo_data_url, /^data:image\/(png|jpeg|webp|svg\+xml);base64,/),
        color: str(r.branding?.color, /^#[0-9a-fA-F]{6}$/),
      },
    };
  }

  async createHandoff(): Promise<HandoffLink> {
    return this.call<HandoffLink>('POST', '/v1/capture/handoff');
  }

  async handoffState(): Promise<HandoffState> {
    return this.call<HandoffState>('GET', '/v1/capture/handoff');
  }

  async clientInfo(info: ClientInfo): Promise<void> {
    await this.call('POST', '/v1/capture/client-info', JSON.stringify(info), 'application/json');
  }

  /** `body` only after this page recorded the video (a resumed page has nothing to report). */
  async complete(body: CompleteBody | null = null): Promise<CompleteResult> {
    return this.call<CompleteResult>('POST', '/v1/capture/complete', JSON.stringify(body ?? {}), 'application/json');
  }
}
