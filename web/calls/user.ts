import { play, startCall } from './call-client.ts';

// The user's side of a live call: /capture/call/<capture token>. The token stays in the page and
// goes to the server in the `join` message only.

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function main() {
  const token = decodeURIComponent(location.pathname.split('/').pop() ?? '');
  const state = $('state');
  const show = (text: string, kind: string) => {
    state.textContent = text;
    state.className = `state ${kind}`;
  };
  let local: MediaStream;
  try {
    local = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
  } catch {
    show('Camera and microphone are needed for the call. Allow them and reload the page.', 'bad');
    return;
  }
  $<HTMLVideoElement>('local').srcObject = local;
  const call = startCall({
    wsPath: '/v1/capture/call/ws',
    join: { role: 'user', token },
    local,
    ui: {
      state: show,
      remote: (s) => play($<HTMLVideoElement>('remote'), s, $<HTMLButtonElement>('unmute')),
      peer: (_role, s) => ($('peer').textContent = s === 'connected' ? 'The agent is with you.' : s === 'reconnecting' ? 'The agent is reconnecting…' : 'Waiting for the agent to join…'),
      ended: () => {
        show('The call has ended. You can close this page.', 'ok');
        $<HTMLButtonElement>('hangup').disabled = true;
        for (const t of local.getTracks()) t.stop();
      },
    },
  });
  $<HTMLButtonElement>('hangup').onclick = () => call.hangUp();
}

void main();
