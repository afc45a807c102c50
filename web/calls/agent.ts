import { play, startCall } from './call-client.ts';

// The agent's side of a live call: /dashboard/call?session=ses_…, signed in to the dashboard
// (the cookie authenticates the WebSocket). The full workspace comes later; this shows both
// videos, the connection, the quality numbers and a hang-up button.

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function main() {
  const sessionId = new URLSearchParams(location.search).get('session') ?? '';
  $('session').textContent = sessionId;
  const state = $('state');
  const show = (text: string, kind: string) => {
    state.textContent = text;
    state.className = `state ${kind}`;
  };
  if (!/^ses_[A-Za-z0-9_-]+$/.test(sessionId)) return show('Open this page from a session (?session=ses_…).', 'bad');
  let local: MediaStream;
  try {
    local = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
  } catch {
    return show('Camera and microphone are needed for the call.', 'bad');
  }
  $<HTMLVideoElement>('local').srcObject = local;
  const call = startCall({
    wsPath: '/dashboard/api/calls/ws',
    join: { role: 'agent', session_id: sessionId },
    local,
    ui: {
      state: show,
      remote: (s) => play($<HTMLVideoElement>('remote'), s, $<HTMLButtonElement>('unmute')),
      peer: (_role, s) => ($('peer').textContent = s === 'connected' ? 'User connected' : s === 'reconnecting' ? 'User reconnecting…' : 'Waiting for the user…'),
      ended: (reason) => {
        show(`Call ended (${reason.replace(/_/g, ' ')})`, 'ok');
        $<HTMLButtonElement>('hangup').disabled = true;
        for (const t of local.getTracks()) t.stop();
      },
      quality: (q) => {
        const u = (q as { user?: { last?: Record<string, number> | null } }).user?.last;
        $('quality').textContent = u ? `User sends ${u.out_video_kbps ?? '–'} kbit/s video at ${u.out_fps ?? '–'} fps · user receives with ${u.in_packet_loss_pct ?? '–'} % loss · RTT ${u.rtt_ms ?? '–'} ms` : '';
      },
    },
  });
  $<HTMLButtonElement>('hangup').onclick = () => call.hangUp();
}

void main();
