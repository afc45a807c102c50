import { de } from './de.ts';
import { en, type MessageKey, type Messages } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { pt } from './pt.ts';
import type { Language } from '../../../src/domain/languages.ts';

// The same five languages as the capture page, all bundled (a few KB): the page must speak the
// session's language the moment it knows it. A language added to the server's list without a
// catalogue here fails to compile.
const catalogues: Record<Language, Messages> = { en, es, fr, de, pt };

export type { MessageKey };
export type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function pickLang(candidates: ReadonlyArray<string | undefined>): Language {
  for (const c of candidates) {
    const base = c?.toLowerCase().slice(0, 2);
    if (base && base in catalogues) return base as Language;
  }
  return 'en';
}

export function translator(lang: Language): T {
  const cat = catalogues[lang];
  return (key, vars) => {
    const s = cat[key] ?? en[key];
    return vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s;
  };
}
