import { join } from 'node:path';
import { toSpeechWav } from '../../engines/speech/audio.ts';
import type { Language } from '../../engines/speech/port.ts';
import { PHRASE_SECONDS } from '../../sessions/capture-plan.ts';
import { MAX_PHRASE_ATTEMPTS } from '../../sessions/phrase-attempt.ts';
import { attemptState, type PhraseKind, verifyAttempt } from '../../speech/phrase.ts';
import type { Stage } from '../pipeline.ts';
import { decodedOf } from './decode.ts';

type Finding = { code: string; message: string; details?: unknown };

/**
 * Speech is said while the phrase is on screen (before the first challenge); a few seconds of
 * slack cover slow speakers. Only this window is recognised: pocketsphinx costs ~0.9 CPU-s per
 * second of audio (bench:speech), so the whole of a 60 s video would cost a minute.
 */
const SPEECH_SLACK_SECONDS = 3;
const NO_PHRASE_WINDOW_SECONDS = 15;

/**
 * Transcript of the speech part of the self-recorded video and the spoken-phrase check on it.
 * Never invents: without an engine for the session's language the transcript is null with reason
 * `transcriber_unavailable`, and the phrase check goes to review instead of passing.
 */
export const speechStage: Stage = {
  name: 'speech',
  async run(ctx) {
    const { wav } = decodedOf(ctx);
    const plan = ctx.session.capture_plan;
    const phrase = plan?.phrase ?? null;
    const language = ctx.session.profile.video_language as Language;
    const findings: Finding[] = [];
    const captureAttempts = ctx.session.phrase_attempts;
    if (!wav) {
      if (phrase) findings.push({ code: 'phrase_mismatch', message: 'the video has no audio track, so the spoken phrase cannot be checked' });
      return { transcript: null, reason: 'no_audio', attempts: captureAttempts, findings };
    }
    const windowS = phrase ? (plan?.challenges[0]?.at_seconds ?? PHRASE_SECONDS) + SPEECH_SLACK_SECONDS : NO_PHRASE_WINDOW_SECONDS;
    const speechWav = join(ctx.workDir, 'speech.wav');
    await toSpeechWav(wav, speechWav, { durationS: windowS, ffmpegPath: ctx.deps.media.ffmpeg, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    const transcriber = (await ctx.deps.engines.speech()).forLanguage(language);
    if (!transcriber && phrase) findings.push({ code: 'transcriber_unavailable', message: `no speech engine for ${language} is installed; the phrase needs a human check`, details: { language } });

    const t0 = performance.now();
    let videoPhrase = null;
    let transcript = null;
    if (phrase && transcriber) {
      const r = await verifyAttempt(speechWav, { kind: phrase.kind as PhraseKind, language, text: phrase.text }, language, transcriber, ctx.signal);
      videoPhrase = { status: r.status, reason: r.reason, userInput: r.userInput, confidence: r.confidence, method: r.evidence.method, timings_ms: r.evidence.timingsMs };
      transcript = r.evidence.transcript; // reused when the check had to transcribe anyway
      if (r.status === 'WRONG_ANSWER' || r.status === 'NO_SPEECH') {
        findings.push({ code: 'phrase_mismatch', message: r.status === 'NO_SPEECH' ? 'no speech was heard in the video' : 'the expected phrase was not heard in the video', details: { expected: phrase.text, heard: r.userInput } });
      }
    }
    const tPhrase = performance.now() - t0;
    if (!transcript && transcriber) transcript = await transcriber.transcribe(speechWav, language, ctx.signal);
    const tTranscribe = performance.now() - t0 - tPhrase;

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
      transcript_window_seconds: [0, windowS],
      words: transcript?.words ?? [],
      confidence: transcript?.confidence ?? null,
      engine: transcript?.engine ?? null,
      language,
      expected_phrase: phrase,
      video_phrase: videoPhrase,
      attempts,
      attempts_state: state,
      timings_ms: { phrase: Math.round(tPhrase), transcribe: Math.round(tTranscribe) },
      findings,
    };
  },
};
