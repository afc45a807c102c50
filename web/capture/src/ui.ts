// Tiny DOM helpers. One <main> holds the current screen; a polite live region announces feedback
// to screen readers; each new screen moves focus to its heading so keyboard and screen-reader
// users start reading at the top of the step, not at a button that no longer exists.

type Attrs = Record<string, string | boolean | number | EventListener | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function button(label: string, onClick: () => void, kind: 'primary' | 'secondary' = 'primary', attrs: Attrs = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: `btn btn-${kind}`, onclick: () => onClick(), ...attrs }, label);
}

export interface Shell {
  main: HTMLElement;
  live: HTMLElement;
  progress: HTMLElement;
}

/**
 * The project's name, logo and accent colour in the top bar and on the buttons. The colour is used
 * only when white text on it keeps WCAG AA contrast (4.5:1); a lighter brand colour would make
 * every button unreadable, so the page keeps its own then.
 */
export function applyBranding(root: HTMLElement, b: { name: string | null; logo_data_url: string | null; color: string | null }): void {
  const brand = root.querySelector<HTMLElement>('.brand');
  if (brand && (b.name || b.logo_data_url)) {
    const logo = b.logo_data_url ? h('img', { class: 'brand-logo', src: b.logo_data_url, alt: b.name ? '' : 'logo' }) : null;
    brand.replaceChildren(...(logo ? [logo] : []), ...(b.name ? [b.name] : []));
  }
  if (b.color && contrastWithWhite(b.color) >= 4.5) {
    document.documentElement.style.setProperty('--primary', b.color);
    document.documentElement.style.setProperty('--primary-dark', darken(b.color, 0.25));
  }
}

const channels = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));

/** WCAG 2 contrast ratio of white text on `hex`. */
export function contrastWithWhite(hex: string): number {
  const lin = channels(hex).map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
  return 1.05 / (l + 0.05);
}

function darken(hex: string, by: number): string {
  return `#${channels(hex).map((c) => Math.round(c * (1 - by)).toString(16).padStart(2, '0')).join('')}`;
}

export function mountShell(root: HTMLElement, title: string): Shell {
  const progress = h('p', { class: 'progress', 'aria-live': 'off' });
  const live = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  root.replaceChildren(h('header', { class: 'topbar' }, h('span', { class: 'brand' }, title), progress), main, live);
  return { main, live, progress };
}

/** Replace the screen, then focus its first heading (or the main region). */
export function show(shell: Shell, ...content: Child[]): void {
  shell.main.replaceChildren(...content.filter((c): c is Node | string => !!c));
  const heading = shell.main.querySelector<HTMLElement>('h1, h2');
  const target = heading ?? shell.main;
  if (heading) heading.tabIndex = -1;
  target.focus({ preventScroll: false });
}

/** Screen-reader announcement; re-setting identical text would not be read again, so clear first. */
export function announce(shell: Shell, text: string): void {
  shell.live.textContent = '';
  requestAnimationFrame(() => {
    shell.live.textContent = text;
  });
}

export function setProgress(shell: Shell, text: string): void {
  shell.progress.textContent = text;
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolve with which button the user pressed. */
export function choice<T extends string>(buttons: { el: HTMLButtonElement; value: T }[]): Promise<T> {
  return new Promise((resolve) => {
    for (const b of buttons) b.el.addEventListener('click', () => resolve(b.value), { once: true });
  });
}
