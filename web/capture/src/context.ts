import type { CaptureApi, CaptureSession, CompleteBody, PageSettings } from './api.ts';
import type { EmbedEvents } from './embed-events.ts';
import type { I18n } from './i18n.ts';
import type { Shell } from './ui.ts';

/** What every step needs; passed explicitly, no globals. */
export interface Ctx {
  api: CaptureApi;
  session: CaptureSession;
  i18n: I18n;
  shell: Shell;
  /** Send client signals once, on the first camera attempt (the camera label is one of them). */
  reportClient(cameraLabel: string | null, video?: HTMLVideoElement): void;
  /** Settles once the device report (if any) was sent or failed: before the page navigates away. */
  clientReported(): Promise<void>;
  /** The project's page settings (embedding origins, document upload fallback). */
  settings: PageSettings;
  /** Events for an embedding page (no-ops when not framed by an allowed origin). */
  events: EmbedEvents;
  /** Set by the video step once its recording is uploaded; sent with `complete`. */
  completeBody: CompleteBody | null;
}

/** Thrown to stop the flow after a terminal screen (expired link, completed session…). */
export class Halt extends Error {
  override name = 'Halt';
}
