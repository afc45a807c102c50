import { useEffect, useRef, useState } from 'preact/hooks';
import { label, secs } from '../format.ts';
import type { Evidence, Frame, Segment } from '../types.ts';

// The recording with its timeline: challenge windows (band) and the moment each was detected
// (marker), transcript segments, flagged moments, sampled frames (ticks); face boxes of the nearest
// sampled frame are drawn over the picture. Every marker is also a button in the lists below, so
// the keyboard reaches each moment. Seeking uses Range requests on the media route.

type V = NonNullable<Evidence['video']>;
const W = 1000;
/** A sampled frame's boxes are shown while the playhead is within this many seconds of it (frames are sampled ~2/s). */
const FRAME_NEAR_S = 0.35;

export function VideoEvidence({ v, lang }: { v: V; lang?: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  const [t, setT] = useState(0);
  const [dur, setDur] = useState(v.duration_seconds ?? 0);
  const [size, setSize] = useState<[number, number]>([0, 0]);
  // Boxes only once a picture is there: a box over the black pre-load frame reads as "face on a black screen".
  const [hasFrame, setHasFrame] = useState(false);
  const seek = (s: number) => {
    const el = ref.current;
    if (!el) return;
    el.currentTime = Math.max(0, s);
    setT(el.currentTime);
  };
  const D = dur || v.duration_seconds || Math.max(1, ...v.challenges.map((c) => c.window[1]), ...(v.transcript?.segments ?? []).map((s) => s.end));
  const x = (s: number) => (s / D) * W;
  const frame = nearest(v.frames, t);
  const captions = useCaptions(v.transcript?.segments ?? []);
  useEffect(() => { performance.mark('vkyc:video-meta'); }, [size]);
  return (
    <div class="video-evidence">
      <div class="player">
        <video
          ref={ref} id="video" src={v.url} controls preload="auto"
          onLoadedMetadata={(e) => { const el = e.currentTarget; if (Number.isFinite(el.duration)) setDur(el.duration); setSize([el.videoWidth, el.videoHeight]); }}
          onLoadedData={() => setHasFrame(true)}
          onTimeUpdate={(e) => setT(e.currentTarget.currentTime)}
          onSeeked={(e) => setT(e.currentTarget.currentTime)}
        >
          {captions && <track kind="captions" src={captions} srcLang={lang ?? 'en'} label="Transcript (speech recognition)" />}
        </video>
        {frame && hasFrame && size[0] > 0 && (
          <svg class="boxes" viewBox={`0 0 ${size[0]} ${size[1]}`} aria-hidden="true" preserveAspectRatio="xMidYMid meet">
            {frame.faces.map((f, i) => {
              const [bx, by, bw, bh] = f.box.every((n) => n <= 1) ? [f.box[0] * size[0], f.box[1] * size[1], f.box[2] * size[0], f.box[3] * size[1]] : f.box;
              return <rect key={i} x={bx} y={by} width={bw} height={bh} class="facebox" />;
            })}
          </svg>
        )}
      </div>
      <p class="small" id="video-time" aria-live="off">At {secs(t)} of {secs(D)}{frame ? ` · sampled frame ${frame.t.toFixed(1)} s: ${frame.count} face${frame.count === 1 ? '' : 's'}` : ''}</p>
      <svg class="timeline" viewBox={`0 0 ${W} 96`} role="img" aria-label="Timeline of the recording: challenges, speech, flags and sampled frames" onClick={(e) => {
        const r = (e.currentTarget as SVGSVGElement).getBoundingClientRect();
        seek(((e.clientX - r.left) / r.width) * D);
      }}>
        <text x="2" y="12" class="lane">Challenges</text>
        {v.challenges.map((c, i) => (
          <g key={i}>
            {/* 1-unit gaps so back-to-back windows stay two windows. */}
            <rect x={x(c.window[0]) + 1} y="16" width={Math.max(2, x(c.window[1]) - x(c.window[0]) - 2)} height="14" class={c.passed ? 'win ok' : c.passed === false ? 'win bad' : 'win'} />
            {c.detected_at !== null && <line x1={x(c.detected_at)} x2={x(c.detected_at)} y1="13" y2="33" class={c.passed === false ? 'detected miss' : 'detected'} />}
          </g>
        ))}
        <text x="2" y="46" class="lane">Speech</text>
        {(v.transcript?.segments ?? []).map((s, i) => <rect key={i} x={x(s.start)} y="50" width={Math.max(2, x(s.end) - x(s.start))} height="10" class="speech" />)}
        <text x="2" y="74" class="lane">Flags · frames</text>
        {v.frames.map((f, i) => <line key={i} x1={x(f.t)} x2={x(f.t)} y1="78" y2="84" class={f.count === 1 ? 'frame' : 'frame odd'} />)}
        {v.flags.map((f, i) => (f.t === null ? null : <path key={i} d={`M${x(f.t)} 76 l6 10 h-12 z`} class="flag" />))}
        <line x1={x(t)} x2={x(t)} y1="0" y2="96" class="playhead" />
      </svg>
      <div class="cols">
        <div>
          <h4>Challenges</h4>
          {v.challenges.length === 0 ? <p class="muted small">No challenges in this recording.</p> : (
            <ol class="moments" id="challenges">
              {v.challenges.map((c, i) => (
                <li key={i}>
                  <button type="button" class="link" data-challenge={c.type} data-seek={c.detected_at ?? c.window[0]} onClick={() => seek(c.detected_at ?? c.window[0])}>
                    {label(c.type)} — asked {c.window[0].toFixed(1)}–{c.window[1].toFixed(1)} s
                  </button>{' '}
                  {c.passed === null ? <span class="muted">not checked</span> : c.passed ? <span class="ok">✓ seen at {c.detected_at?.toFixed(1)} s</span> : <span class="bad">✗ not seen in its window{c.detected_at !== null ? ` (closest at ${c.detected_at.toFixed(1)} s)` : ''}</span>}
                </li>
              ))}
            </ol>
          )}
          {v.flags.length > 0 && <>
            <h4>Flagged moments</h4>
            <ul class="moments" id="flags">{v.flags.map((f, i) => <li key={i}>{f.t !== null && <><button type="button" class="link" onClick={() => seek(f.t ?? 0)}>{secs(f.t)}</button>{' '}</>}{f.label || label(f.code)}{f.t === null ? ' (whole video)' : ''}</li>)}</ul>
          </>}
        </div>
        <div>
          <h4>Transcript</h4>
          {!v.transcript ? <p class="muted small">No transcript (speech was not checked).</p> : (
            <ol class="transcript">
              {v.transcript.segments.length ? v.transcript.segments.map((s, i) => (
                <li key={i} class={t >= s.start && t < s.end ? 'now' : undefined}><button type="button" class="link" onClick={() => seek(s.start)}>{secs(s.start)}</button> {s.text}</li>
              )) : <li>{v.transcript.text || '(no speech recognised)'}</li>}
            </ol>
          )}
          {v.phrase && <>
            <h4>Phrase</h4>
            <p class="small">Asked to say: <q>{v.phrase.expected}</q></p>
            {v.phrase.attempts.length > 0 && (
              <table class="compact"><caption class="sr-only">Phrase attempts</caption>
                <thead><tr><th scope="col">#</th><th scope="col">Heard</th><th scope="col">Outcome</th></tr></thead>
                <tbody>{v.phrase.attempts.map((a, i) => <tr key={i}><td>{String(a.attemptNumber ?? i + 1)}</td><td>{String(a.userInput ?? a.heard ?? '')}</td><td>{label(String(a.status ?? a.outcome ?? ''))}</td></tr>)}</tbody>
              </table>
            )}
          </>}
        </div>
      </div>
    </div>
  );
}

/**
 * The transcript as a WebVTT captions track (a blob: URL, which the CSP's media-src allows): a
 * reviewer who cannot hear the audio reads what the recogniser heard, in time with the picture.
 */
function useCaptions(segments: Segment[]): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!segments.length) return;
    const ts = (s: number) => new Date(s * 1000).toISOString().slice(11, 23);
    const vtt = `WEBVTT\n\n${segments.map((s) => `${ts(s.start)} --> ${ts(s.end)}\n${s.text.replace(/-->/g, '→')}`).join('\n\n')}\n`;
    const u = URL.createObjectURL(new Blob([vtt], { type: 'text/vtt' }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [segments]);
  return url;
}

function nearest(frames: Frame[], t: number): Frame | null {
  let best: Frame | null = null;
  for (const f of frames) if (Math.abs(f.t - t) <= FRAME_NEAR_S && (!best || Math.abs(f.t - t) < Math.abs(best.t - t))) best = f;
  return best;
}
