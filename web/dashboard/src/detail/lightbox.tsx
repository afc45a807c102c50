import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

// A zoomable image viewer in a modal <dialog> (the browser traps focus in it and Esc closes it).
// Keyboard: + / − zoom, arrow keys pan, 0 resets; the mouse wheel zooms and dragging pans. The
// transform is set through the CSSOM (element.style), which the strict CSP allows.

export interface Shot { src: string; alt: string }
const MIN = 1;
const MAX = 8;
const STEP = 1.25;
const PAN = 40;

export function Lightbox({ shots, index, onClose }: { shots: Shot[]; index: number; onClose: () => void }) {
  const dlg = useRef<HTMLDialogElement>(null);
  const img = useRef<HTMLImageElement>(null);
  const [i, setI] = useState(index);
  const [z, setZ] = useState({ s: 1, x: 0, y: 0 });
  const shot = shots[i];
  useEffect(() => {
    const d = dlg.current;
    if (d && !d.open) d.showModal();
  }, []);
  // Layout effect: the image moves in the same frame as the zoom label changes.
  useLayoutEffect(() => {
    if (img.current) img.current.style.transform = `translate(${z.x}px, ${z.y}px) scale(${z.s})`;
  }, [z, i]);
  const zoom = (f: number) => setZ((o) => ({ ...o, s: Math.min(MAX, Math.max(MIN, o.s * f)) }));
  const pan = (dx: number, dy: number) => setZ((o) => ({ ...o, x: o.x + dx, y: o.y + dy }));
  const show = (n: number) => { setI((n + shots.length) % shots.length); setZ({ s: 1, x: 0, y: 0 }); };
  function key(e: KeyboardEvent) {
    const k = e.key;
    if (k === '+' || k === '=') zoom(STEP);
    else if (k === '-' || k === '_') zoom(1 / STEP);
    else if (k === '0') setZ({ s: 1, x: 0, y: 0 });
    else if (k === 'ArrowLeft') (e.shiftKey || z.s === 1 ? show(i - 1) : pan(PAN, 0));
    else if (k === 'ArrowRight') (e.shiftKey || z.s === 1 ? show(i + 1) : pan(-PAN, 0));
    else if (k === 'ArrowUp') pan(0, PAN);
    else if (k === 'ArrowDown') pan(0, -PAN);
    else return;
    e.preventDefault();
  }
  const drag = useRef<{ x: number; y: number } | null>(null);
  if (!shot) return null;
  return (
    <dialog ref={dlg} class="lightbox" aria-label={shot.alt} onClose={onClose} onKeyDown={key} id="lightbox">
      <div class="lb-bar">
        <strong>{shot.alt}</strong>
        <span class="muted small" id="lb-zoom">{Math.round(z.s * 100)} %</span>
        <span class="spacer" />
        <button type="button" class="secondary" onClick={() => zoom(1 / STEP)} aria-label="Zoom out">−</button>
        <button type="button" class="secondary" onClick={() => zoom(STEP)} aria-label="Zoom in" id="lb-zoom-in">+</button>
        <button type="button" class="secondary" onClick={() => setZ({ s: 1, x: 0, y: 0 })}>Reset</button>
        {shots.length > 1 && <button type="button" class="secondary" onClick={() => show(i + 1)}>Next image</button>}
        <button type="button" onClick={() => dlg.current?.close()} autoFocus>Close</button>
      </div>
      <div
        class="lb-stage"
        onWheel={(e) => { e.preventDefault(); zoom(e.deltaY < 0 ? STEP : 1 / STEP); }}
        onPointerDown={(e) => { drag.current = { x: e.clientX, y: e.clientY }; }}
        onPointerMove={(e) => { const d = drag.current; if (!d) return; pan(e.clientX - d.x, e.clientY - d.y); drag.current = { x: e.clientX, y: e.clientY }; }}
        onPointerUp={() => { drag.current = null; }}
        onPointerLeave={() => { drag.current = null; }}
      >
        <img ref={img} src={shot.src} alt={shot.alt} draggable={false} />
      </div>
      <p class="muted small lb-help">Keys: + and − zoom, arrow keys move the image, 0 resets, Esc closes{shots.length > 1 ? ', Shift+arrow shows the other side' : ''}.</p>
    </dialog>
  );
}
