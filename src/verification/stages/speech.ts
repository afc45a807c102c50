import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWav, readWav } from '../../engines/speech/audio.ts';
import type { Language, Transcript } from '../../engines/speech/port.ts';
import { speechFrames, speechSeconds } from '../../engines/speech/split-audio.ts';
import { PHRASE_SECONDS } from '../../sessions/capture-plan.ts';
import { MAX_PHRASE_ATTEMPTS } from '../../sessions/phrase-attempt.ts';
import { attemptState, type PhraseKind, type VerifyResult, verifyAttempt } from '../../speech/phrase.ts';
import { verifyDigitsBySpotting } from '../../speech/spot-digits.ts';
import type { StageFinding } from '../../domain/findings.ts';
import { defineStage } from '../pipeline.ts';
import { speechResult } from '../results/speech.ts';
import { decodedOf } from './decode.ts';

type Finding = StageFinding;

/**
 * Speech is said while the phrase is on screen (before the first challenge); a few seconds of
 * slack cover slow speakers. The phrase is looked for in this window only.
 */
const SPEECH_SLACK_SECONDS = 3;
const NO_PHRASE_WINDOW_SECONDS = 15;

/**
 * Speech transcribed beyond the phrase window (which is always transcribed). pocketsphinx decodes
 * ~0.35–0.5 CPU-s per second of speech plus ~0.45 s per process to load its language model;
 * silence is dropped before decoding. Measured (bench/speech.ts, 2 cores, load ~1.5): a 30 s
 * video with the phrase and a short question later, all transcribed, 1.4–1.7 s wall; talking
 * without pause for 30 s, 6 s → 2.2 s wall (transcript of 0–10 s), 8 s → 3.7 s. Speech past the
 * budget is not transcribed, and the result says how much (`untranscribed_speech_seconds`).
 */
const MAX_TRANSCRIBED_SPEECH_SECONDS = 6;

/** Seconds from the start that hold `budget` seconds of speech (the whole clip when it holds less). */
function transcriptEnd(frames: ReturnType<typeof speechFrames>, budget: number, minEnd: number): number {
  let n = 0;
  const need = Math.round(budget / frames.frameS);
  for (let i = 0; i < frames.speech.length; i++) {
    if (frames.speech[i]) n++;
    // Cut in the first pause after the budget is used, not in the middle of a word.
    if (n >= need && !frames.speech[i] && (i + 1) * frames.frameS >= minEnd) return (i + 1) * frames.frameS;
  }
  return frames.speech.length * frames.frameS;
}

/**
 * Transcript of the speech of the self-recorded video and the spoken-phrase check on its phrase
 * window, run side by side (keyword spotting of the window on one core, the transcript on the
 * other). Never invents: without an engine for the session's language the transcript is null
 * with reason `transcriber_unavailable`, and the phrase check goes to review instead of passing.
 */
export const speechStage = defineStage(speechResult)({
  name: 'speech',
  inputs: ['decode'],
  // pocketsphinx processes beside the face models' threads (pipeline.ts): it reads only the WAV.
  concurrent: true,
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
    const t0 = performance.now();
    const pcm = await readWav(wav);
    const durationS = pcm.samples.length / pcm.sampleRate;
    // The page reports when the phrase was said (issue 13); old pages showed it until the first prompt.
    const phraseEnd = plan?.page_report?.phrase_window?.to ?? plan?.challenges[0]?.at_seconds ?? PHRASE_SECONDS;
    const windowS = Math.min(durationS, phrase ? phraseEnd + SPEECH_SLACK_SECONDS : NO_PHRASE_WINDOW_SECONDS);
    const frames = speechFrames(pcm.samples, pcm.sampleRate);
    const endS = Math.min(durationS, transcriptEnd(frames, MAX_TRANSCRIBED_SPEECH_SECONDS, windowS));
    const cut = async (name: string, seconds: number): Promise<string> => {
      const path = join(ctx.workDir, name);
      await writeFile(path, encodeWav(pcm.samples.subarray(0, Math.round(seconds * pcm.sampleRate)), pcm.sampleRate));
      return path;
    };
    const [phraseWav, transcriptWav] = await Promise.all([cut('speech-phrase.wav', windowS), cut('speech-transcript.wav', endS)]);
    const engines = await ctx.deps.engines.speech();
    const transcriber = engines.forLanguage(language);
    // No transcriber, but the project chose digits spotted with the English model (projects/settings.ts).
    const spotter = !transcriber && phrase?.check === 'digits_spotting' && phrase.kind === 'digits' ? engines.spotterFor(language) : null;
    if (!transcriber && !spotter && phrase) findings.push({ code: 'transcriber_unavailable', message: `no speech engine for ${language} is installed; the phrase needs a human check`, details: { language } });

    // The transcript starts at once; the phrase check falls back on its window part if spotting fails.
    const transcribing: Promise<Transcript> | null = transcriber ? transcriber.transcribe(transcriptWav, language, ctx.signal) : null;
    transcribing?.catch(() => { /* awaited below; avoid an unhandled rejection while the phrase check runs */ });
    const inWindow = transcribing?.then((t) => {
      const words = t.words.filter((w) => w.start < windowS);
      return { ...t, words, text: words.map((w) => w.word).join(' ') };
    });
    // verifyAttempt may not need it (the chain alone decided): a failure must not go unhandled.
    inWindow?.catch(() => { /* reported through `transcribing` */ });
    let videoPhrase = null;
    const expected = phrase ? { kind: phrase.kind as PhraseKind, language, text: phrase.text } : null;
    const checking: Promise<VerifyResult> | null = !expected ? null
      : transcriber ? verifyAttempt(phraseWav, expected, language, transcriber, ctx.signal, inWindow ? { transcript: inWindow } : {})
      : spotter ? verifyDigitsBySpotting(phraseWav, expected, language, spotter, ctx.signal) : null;
    if (phrase && checking) {
      const r = await checking;
      videoPhrase = { status: r.status, reason: r.reason, userInput: r.userInput, confidence: r.confidence, method: r.evidence.method, timings_ms: r.evidence.timingsMs,
        chain: r.evidence.chain ? { score_per_phone: r.evidence.chain.scorePerPhone, failure: r.evidence.chain.failure, words: r.evidence.chain.steps } : null };
      if (r.status === 'WRONG_ANSWER' || r.status === 'NO_SPEECH') {
        // Spotting another language with the English model misses many right answers (docs/speech.md): say so to the reviewer.
        const notHeard = spotter ? `the digits were not recognised (${language} digits spotted with the English model; listen to the recording)` : 'the expected phrase was not heard in the video';
        findings.push({ code: 'phrase_mismatch', message: r.status === 'NO_SPEECH' ? 'no speech was heard in the video' : notHeard,
          details: { expected: phrase.text, heard: r.userInput, ...(spotter ? { check: 'digits_spotting' } : {}) } });
      }
    }
    const tPhrase = performance.now() - t0;
    const transcript = transcribing ? await transcribing : null;
    const tTotal = performance.now() - t0;

    // The willingness records: the capture page's attempts when it made any, else the video's own check.
    const attempts = captureAttempts.length ? captureAttempts
      : videoPhrase ? [{ status: videoPhrase.status, userInput: videoPhrase.userInput ?? '', attemptNumber: 1 }] : [];
    const state = attempts.length ? attemptState(attempts, MAX_PHRASE_ATTEMPTS).state : null;
    if (state === 'LIMIT_EXCEEDED' && !findings.some((f) => f.code === 'phrase_mismatch')) {
      findings.push({ code: 'phrase_mismatch', message: `the phrase was not said correctly in ${attempts.length} attempts`, details: { attempts: attempts.length } });
    }
    const round1 = (x: number): number => Math.round(x * 10) / 10;
    return {
      transcript: transcript?.text ?? null,
      // Without a transcriber the transcript stays null even when the phrase was verified by spotting (phrase_check says how).
      reason: transcript ? null : 'transcriber_unavailable',
      phrase_check: phrase ? (transcriber ? 'transcript' : spotter ? 'digits_spotting' : 'review') : null,
      transcript_window_seconds: [0, round1(endS)],
      untranscribed_speech_seconds: round1(speechSeconds(frames, endS)),
      phrase_window_seconds: [0, round1(windowS)],
      words: transcript?.words ?? [],
      confidence: transcript?.confidence ?? null,
      engine: transcript?.engine ?? null,
      language,
      expected_phrase: phrase,
      video_phrase: videoPhrase,
      attempts,
      attempts_state: state,
      timings_ms: { phrase: Math.round(tPhrase), total: Math.round(tTotal) },
      findings,
    };
  },
});
