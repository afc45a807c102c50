import { rm } from 'node:fs/promises';
import { AppError } from '../domain/errors.ts';
import { sniffAudio } from '../domain/sniff.ts';
import { VIDEO_DURATION_SLACK } from '../domain/session.ts';
import { extractAudio } from '../engines/media/ffmpeg.ts';
import type { Deps } from '../deps.ts';
import { attemptState, type PhraseKind, recordAttempt, verifyAttempt } from '../speech/phrase.ts';
import { verifyDigitsBySpotting } from '../speech/spot-digits.ts';
import type { SessionRecord } from './rows.ts';
import { execute } from './store.ts';
import { type Actor, captureActor } from '../domain/actor.ts';
import { type Body, readHead, streamToFile, tempPath } from './upload-artifact.ts';

/** A phrase attempt is a few seconds of speech: 10 MB is minutes of webm/opus. */
const MAX_ATTEMPT_BYTES = 10 * 1024 * 1024;
export const MAX_PHRASE_ATTEMPTS = 3;

/**
 * One spoken-phrase attempt from the capture page (an audio or video clip): verified at once so the
 * page can ask the user to try again. Records `{ status, userInput, attemptNumber }`; after
 * MAX_PHRASE_ATTEMPTS failures the state is LIMIT_EXCEEDED and no more attempts are taken.
 */
export async function submitPhraseAttempt(deps: Deps, s: SessionRecord, body: Body, signal?: AbortSignal, actor: Actor = captureActor(s.project_id, s.id)) {
  const phrase = s.capture_plan?.phrase;
  if (!phrase) throw new AppError('step_not_in_profile', 'this session does not ask for a spoken phrase');
  const before = attemptState(s.phrase_attempts, MAX_PHRASE_ATTEMPTS);
  if (s.phrase_attempts.length && before.state !== 'retry') throw new AppError('attempts_exhausted', `no more attempts: ${before.state}`, { state: before.state });
  const clip = await tempPath(deps, s.id);
  const wav = `${clip}.wav`;
  try {
    await streamToFile(body, clip, MAX_ATTEMPT_BYTES);
    if (!sniffAudio(await readHead(clip))) throw new AppError('unsupported_media_type', 'expected a WAV, WebM, Ogg or MP4 audio clip');
    // 10 MB of low-bitrate audio can hold hours: decode (and transcribe) no more than a video could last.
    if (!(await extractAudio(deps.media, clip, wav, signal, s.profile.video_max_duration + VIDEO_DURATION_SLACK))) throw new AppError('media_unreadable', 'the clip has no readable audio');
    const language = s.profile.video_language;
    const engines = await deps.engines.speech();
    const transcriber = engines.forLanguage(language);
    const expected = { kind: phrase.kind as PhraseKind, language, text: phrase.text };
    // The project's digits-spotting policy for a language without a transcriber (projects/settings.ts), as the pipeline does.
    const spotter = !transcriber && phrase.check === 'digits_spotting' && phrase.kind === 'digits' ? engines.spotterFor(language) : null;
    const result = spotter ? await verifyDigitsBySpotting(wav, expected, language, spotter, signal)
      : await verifyAttempt(wav, expected, language, transcriber, signal);
    const outcome = recordAttempt(s.phrase_attempts, { status: result.status, userInput: result.userInput }, MAX_PHRASE_ATTEMPTS);
    // Optimistic: only if no other attempt was recorded meanwhile (two tabs submitting at once).
    await execute(deps, { projectId: s.project_id, sessionId: s.id }, { type: 'phrase_attempt_recorded', previous: s.phrase_attempts.length, attempts: outcome.attempts }, actor);
    const last = outcome.attempts.at(-1)!;
    return { ...last, state: outcome.state, remaining: outcome.remaining, reason: result.reason, confidence: result.confidence };
  } finally {
    await rm(clip, { force: true });
    await rm(wav, { force: true });
  }
}
