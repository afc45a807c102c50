// What every anti-replay / injection check returns, in a module of its own so the checks (replay.ts,
// frame-repeats.ts, client-data.ts, camera-label.ts) and their readers share it without importing
// one another.

export type ReplayReason =
  | 'replay_suspected'
  | 'frozen_stream'
  | 'still_image'
  | 'looped_frames'
  | 'face_swap'
  | 'screen_replay'
  | 'client_data_mismatch'
  | 'virtual_camera'
  | 'camera_injection'
  | 'timestamps_invalid';

export interface CheckOutcome {
  reason: ReplayReason;
  /** The check found something. */
  flagged: boolean;
  /** A flagged blocking check fails liveness; a non-blocking one only sends it to review. */
  blocking: boolean;
  evidence: Record<string, unknown>;
}
