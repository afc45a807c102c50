// Clips of ../shared/data/video with on-camera speech, for bench/av-sync.ts (annotations only; the
// media stay in ../shared/data). Found by listing every clip with an audio track in videos.csv,
// then looking at each: waveform and spectrogram (ffmpeg showwavespic / showspectrumpic: speech =
// syllable-rate bursts with voiced harmonics and formant movement; music = steady horizontal
// harmonics) and a 4 fps contact sheet of the face (mouth moving with the bursts or not).
// Times are seconds from the start of the clip, ±0.25 s.
//
// With an audio track but left out:
// - liveportrait d3, d18, d19: silent tracks (-91 dB mean); d9: near-silent (-63 dB mean, a few clicks).
// - liveportrait d14: music (steady instrument harmonics); the woman glances and blinks, never speaks.
// - facenet-pytorch/video.mp4: street scene, faint traffic noise (-42 dB), nobody speaks to camera.
// - d0, d13: no audio track.

export interface SpeechClip {
  name: string;
  /** Path under ../shared/data/video */
  file: string;
  /** Stretches where the person facing the camera speaks (windows are cut inside them). */
  speech: Array<[number, number]>;
  /** calibration: thresholds are tuned on it; report: only measured. */
  split: 'calibration' | 'report';
  note: string;
}

/**
 * Split: the same as bench/acceptance-clips.ts for the liveportrait clips (d10, d12 calibration;
 * d6, d11, d20 report); hamilton to calibration, obama to report, so each split has a hard clip.
 */
export const SPEECH_CLIPS: SpeechClip[] = [
  { name: 'd10', file: 'liveportrait/driving_d10.mp4', split: 'calibration', speech: [[0, 4.0], [10.7, 14.9]],
    note: 'man talking to camera 0–4 s and 10.7–14.9 s; in between a sustained sung/hummed tone with a smile' },
  { name: 'd12', file: 'liveportrait/driving_d12.mp4', split: 'calibration', speech: [[0, 7.3]],
    note: 'man with glasses talking animatedly throughout, background noise' },
  { name: 'hamilton', file: 'face_recognition/short_hamilton_clip.mp4', split: 'calibration', speech: [[2.2, 10.0]],
    note: 'stage performer rapping/singing into a hand-held microphone that hides part of the mouth; camera cuts at 0–2.2 s (audience, side views); crowd noise' },
  { name: 'd6', file: 'liveportrait/driving_d6.mp4', split: 'report', speech: [[0, 33.6]],
    note: 'woman pulling faces and mouthing/speaking throughout, voiced speech-like audio the whole clip' },
  { name: 'd11', file: 'liveportrait/driving_d11.mp4', split: 'report', speech: [[0, 9.0]],
    note: 'talking to camera throughout' },
  { name: 'd20', file: 'liveportrait/driving_d20.mp4', split: 'report', speech: [[0.4, 7.0]],
    note: 'talking to camera, quiet room' },
  { name: 'obama', file: 'trueface/obama_speech.mp4', split: 'report', speech: [[0, 11.7]],
    note: 'press conference: Obama speaks at a podium, 2–3 other people at similar size in frame (the largest face is not always the speaker)' },
];
