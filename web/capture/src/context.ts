import type { CaptureApi, CaptureSession, CompleteBody } from './api.ts';
import type { I18n } from './i18n.ts';
import type { Shell } from './ui.ts';

/** What every step needs; passed explicitly, no globals. */
export interface Ctx {
  api: CaptureApi;
  session: CaptureSession;
  i18n: I18n;
  shell: Shell;
  /** Send client signals once, on the first camera attempt (the camera label is one of them). */
  reportClient(cameraLabel: string | null): void;
  /** Set by the video step once its recording is uploaded; sent with `complete`. */
  completeBody: CompleteBody | null;
}

/** Thrown to stop the flow after a terminal screen (expired link, completed session…). */
export class Halt extends Error {
  override name = 'Halt';
}
