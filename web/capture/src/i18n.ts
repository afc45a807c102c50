import { en, type MessageKey, type Messages } from '../i18n/en.ts';
import { es } from '../i18n/es.ts';
import { fr } from '../i18n/fr.ts';
import { de } from '../i18n/de.ts';
import { pt } from '../i18n/pt.ts';
import type { Language } from '../../../src/domain/languages.ts';

// All five catalogues are bundled (≈6 KB gzip together): one request fewer than loading them on
// demand, and the page must work the moment the session says which language to use.
const catalogues: Record<Language, Messages> = { en, es, fr, de, pt };

// The server's one language list; a language added there without a catalogue here fails to compile.
export type Lang = Language;
export type { MessageKey };

export interface I18n {
  readonly lang: Lang;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  time(d: Date): string;
}

export function pickLang(sessionLang: string | undefined, browserLangs: readonly string[]): Lang {
  const candidates = [sessionLang, ...browserLangs].filter((x): x is string => !!x);
  for (const c of candidates) {
    const base = c.toLowerCase().slice(0, 2);
    if (base in catalogues) return base as Lang;
  }
  return 'en';
}

export function createI18n(lang: Lang): I18n {
  const cat = catalogues[lang] ?? en;
  return {
    lang,
    t(key, vars) {
      const s = cat[key] ?? en[key];
      if (!vars) return s;
      return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
    },
    time: (d) => new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(d),
  };
}
