import type { Language } from '../../engines/speech/port.ts';
import type { PhraseKind } from '../../speech/phrase.ts';
import { MAX_PHRASE_ATTEMPTS } from '../../sessions/phrase-attempt.ts';
import { attemptState, verifyAttempt } from '../../speech/phrase.ts';
import type { Stage } from '../pipeline.ts';
import { decodedOf } from './decode.ts';

type Finding = { code: string; message: string; details?: unknown };

/**
 * Transcript of the self-recorded video and the spoken-phrase check on its audio. Never invents:
 * without an engine for the session's language the transcript is null with reason
 * `transcriber_unavailable`, and the phrase check goes to review instead of passing.
 */
export const speechStage: Stage = {
  name: 'speech',
  async run(ctx) {
    const { wav } = decodedOf(ctx);
    const phrase = ctx.session.capture_plan?.phrase ?? null;
    const language = ctx.session.profile.video_language as Language;
    const findings: Finding[] = [];
    const captureAttempts = ctx.session.phrase_attempts;
    if (!wav) {
      if (phrase) findings.push({ code: 'phrase_mismatch', message: 'the video has no audio track, so the spoken phrase cannot be checked' });
      return { transcript: null, reason: 'no_audio', attempts: captureAttempts, findings };
    }
    const transcriber = (await ctx.deps.engines.speech()).forLanguage(language);
    const t0 = performance.now();
    const transcript = transcriber ? await transcriber.transcribe(wav, language, ctx.signal) : null;
    const transcribeMs = Math.round(performance.now() - t0);
    if (!transcriber && phrase) findings.push({ code: 'transcriber_unavailable', message: `no speech engine for ${language} is installed; the phrase needs a human check`, details: { language } });

    let videoPhrase = null;
    if (phrase && transcriber) {
      const r = await verifyAttempt(wav, { kind: phrase.kind as PhraseKind, language, text: phrase.text }, language, transcriber, ctx.signal);
      videoPhrase = { status: r.status, reason: r.reason, userInput: r.userInput, confidence: r.confidence, method: r.evidence.method, timings_ms: r.evidence.timingsMs };
      if (r.status === 'WRONG_ANSWER' || r.status === 'NO_SPEECH') {
        findings.push({ code: 'phrase_mismatch', message: r.status === 'NO_SPEECH' ? 'no speech was heard in the video' : 'the expected phrase was not heard in the video', details: { expected: phrase.text, heard: r.userInput } });
      }
    }
    // The willingness records: the capture page's attempts when it made any, else the video's own check.
    const attempts = captureAttempts.length ? captureAttempts
      : videoPhrase ? [{ status: videoPhrase.status, userInput: videoPhrase.userInput ?? '', attemptNumber: 1 }] : [];
    const state = attempts.length ? attemptState(attempts, MAX_PHRASE_ATTEMPTS).state : null;
    if (state === 'LIMIT_EXCEEDED' && !findings.some((f) => f.code === 'phrase_mismatch')) {
      findings.push({ code: 'phrase_mismatch', message: `the phrase was not said correctly in ${attempts.length} attempts`, details: { attempts: attempts.length } });
    }
    return {
      transcript: transcript?.text ?? null,
      reason: transcript ? null : 'transcriber_unavailable',
      words: transcript?.words ?? [],
      confidence: transcript?.confidence ?? null,
      engine: transcript?.engine ?? null,
      language,
      expected_phrase: phrase,
      video_phrase: videoPhrase,
      attempts,
      attempts_state: state,
      timings_ms: { transcribe: transcribeMs },
      findings,
    };
  },
};
