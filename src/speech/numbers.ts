// Numbers written as words in en/es/fr/de/pt (pure). Used in both directions: to spell a phrase's
// numbers for keyword spotting and speech synthesis, and (through normalize.ts, which builds its
// parsing lexicon from these same functions) to read spoken numbers back as digits.
import type { Language } from '../engines/speech/port.ts';

const EN_ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ES_ONES = ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'diez', 'once', 'doce',
  'trece', 'catorce', 'quince', 'dieciséis', 'diecisiete', 'dieciocho', 'diecinueve', 'veinte', 'veintiuno', 'veintidós',
  'veintitrés', 'veinticuatro', 'veinticinco', 'veintiséis', 'veintisiete', 'veintiocho', 'veintinueve'];
const ES_TENS = ['', '', 'veinte', 'treinta', 'cuarenta', 'cincuenta', 'sesenta', 'setenta', 'ochenta', 'noventa'];
const ES_HUNDREDS = ['', 'ciento', 'doscientos', 'trescientos', 'cuatrocientos', 'quinientos', 'seiscientos', 'setecientos',
  'ochocientos', 'novecientos'];
const FR_ONES = ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix', 'onze', 'douze',
  'treize', 'quatorze', 'quinze', 'seize'];
const FR_TENS = ['', 'dix', 'vingt', 'trente', 'quarante', 'cinquante', 'soixante'];
const DE_ONES = ['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'zehn', 'elf', 'zwölf',
  'dreizehn', 'vierzehn', 'fünfzehn', 'sechzehn', 'siebzehn', 'achtzehn', 'neunzehn'];
const DE_TENS = ['', '', 'zwanzig', 'dreißig', 'vierzig', 'fünfzig', 'sechzig', 'siebzig', 'achtzig', 'neunzig'];
const PT_ONES = ['zero', 'um', 'dois', 'três', 'quatro', 'cinco', 'seis', 'sete', 'oito', 'nove', 'dez', 'onze', 'doze',
  'treze', 'catorze', 'quinze', 'dezesseis', 'dezessete', 'dezoito', 'dezenove'];
const PT_TENS = ['', '', 'vinte', 'trinta', 'quarenta', 'cinquenta', 'sessenta', 'setenta', 'oitenta', 'noventa'];
const PT_HUNDREDS = ['', 'cento', 'duzentos', 'trezentos', 'quatrocentos', 'quinhentos', 'seiscentos', 'setecentos',
  'oitocentos', 'novecentos'];

function en(n: number): string {
  if (n < 20) return EN_ONES[n] ?? '';
  if (n < 100) return `${EN_TENS[Math.floor(n / 10)]}${n % 10 ? ` ${EN_ONES[n % 10]}` : ''}`;
  if (n < 1000) return `${EN_ONES[Math.floor(n / 100)]} hundred${n % 100 ? ` ${en(n % 100)}` : ''}`;
  return `${en(Math.floor(n / 1000))} thousand${n % 1000 ? ` ${en(n % 1000)}` : ''}`;
}

function es(n: number): string {
  if (n < 30) return ES_ONES[n] ?? '';
  if (n < 100) return `${ES_TENS[Math.floor(n / 10)]}${n % 10 ? ` y ${ES_ONES[n % 10]}` : ''}`;
  if (n === 100) return 'cien';
  if (n < 1000) return `${ES_HUNDREDS[Math.floor(n / 100)]}${n % 100 ? ` ${es(n % 100)}` : ''}`;
  const th = Math.floor(n / 1000);
  return `${th === 1 ? 'mil' : `${es(th).replace(/uno$/, 'un')} mil`}${n % 1000 ? ` ${es(n % 1000)}` : ''}`;
}

function fr(n: number): string {
  if (n <= 16) return FR_ONES[n] ?? '';
  if (n < 20) return `dix-${FR_ONES[n - 10]}`;
  if (n < 70) {
    const t = FR_TENS[Math.floor(n / 10)] ?? '';
    const u = n % 10;
    return u === 0 ? t : u === 1 ? `${t} et un` : `${t}-${FR_ONES[u]}`;
  }
  if (n < 80) return n === 71 ? 'soixante et onze' : `soixante-${fr(n - 60)}`;
  if (n < 100) return n === 80 ? 'quatre-vingts' : `quatre-vingt-${fr(n - 80)}`;
  if (n < 1000) {
    const h = Math.floor(n / 100);
    const head = h === 1 ? 'cent' : `${FR_ONES[h]} cent${n % 100 ? '' : 's'}`;
    return `${head}${n % 100 ? ` ${fr(n % 100)}` : ''}`;
  }
  const th = Math.floor(n / 1000);
  return `${th === 1 ? 'mille' : `${fr(th)} mille`}${n % 1000 ? ` ${fr(n % 1000)}` : ''}`;
}

function de(n: number): string {
  if (n < 20) return DE_ONES[n] ?? '';
  if (n < 100) {
    const u = n % 10;
    return `${u ? `${u === 1 ? 'ein' : DE_ONES[u]}und` : ''}${DE_TENS[Math.floor(n / 10)]}`;
  }
  if (n < 1000) {
    const h = Math.floor(n / 100);
    return `${h === 1 ? 'ein' : DE_ONES[h]}hundert${n % 100 ? de(n % 100) : ''}`;
  }
  const th = Math.floor(n / 1000);
  return `${th === 1 ? 'ein' : de(th)}tausend${n % 1000 ? de(n % 1000) : ''}`;
}

function pt(n: number): string {
  if (n < 20) return PT_ONES[n] ?? '';
  if (n < 100) return `${PT_TENS[Math.floor(n / 10)]}${n % 10 ? ` e ${PT_ONES[n % 10]}` : ''}`;
  if (n === 100) return 'cem';
  if (n < 1000) return `${PT_HUNDREDS[Math.floor(n / 100)]}${n % 100 ? ` e ${pt(n % 100)}` : ''}`;
  const th = Math.floor(n / 1000);
  const rest = n % 1000;
  // "dois mil e vinte e seis": "e" joins thousands to a remainder below 100 or a round hundred.
  const join = rest && (rest < 100 || rest % 100 === 0) ? ' e' : '';
  return `${th === 1 ? 'mil' : `${pt(th)} mil`}${rest ? `${join} ${pt(rest)}` : ''}`;
}

const CARDINAL: Record<Language, (n: number) => string> = { en, es, fr, de, pt };

/** Cardinal number in words, 0 ≤ n < 1 000 000 (integers). */
export function numberToWords(n: number, lang: Language): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1_000_000) throw new RangeError(`numberToWords: ${n} out of range`);
  return CARDINAL[lang](n);
}

const EN_ORD_IRREGULAR: Record<string, string> = { one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth',
  nine: 'ninth', twelve: 'twelfth' };

/** Ordinal in words as used for the day of a date ("eighteenth", "achtzehnte", "premier"). */
export function ordinalToWords(n: number, lang: Language): string {
  const card = numberToWords(n, lang);
  switch (lang) {
    case 'en': {
      const parts = card.split(' ');
      const last = parts.pop() ?? '';
      const ord = EN_ORD_IRREGULAR[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
      return [...parts, ord].join(' ');
    }
    case 'de': {
      if (n === 1) return 'erste';
      if (n === 3) return 'dritte';
      if (n === 7) return 'siebte';
      if (n === 8) return 'achte';
      return n < 20 ? `${card}te` : `${card}ste`;
    }
    // Romance languages say the day as a cardinal except the first.
    case 'fr': return n === 1 ? 'premier' : card;
    case 'es': return n === 1 ? 'primero' : card;
    case 'pt': return n === 1 ? 'primeiro' : card;
  }
}

/** Ways a year is said: "twenty twenty six" / "two thousand twenty six" in English. */
export function yearToWords(y: number, lang: Language): string[] {
  const out = [numberToWords(y, lang)];
  if (lang === 'en' && y >= 1100 && y < 2100 && y % 100 !== 0) {
    const lo = y % 100;
    out.unshift(`${en(Math.floor(y / 100))} ${lo < 10 ? `oh ${en(lo)}` : en(lo)}`);
    if (y >= 2000) out.push(`two thousand and ${en(lo)}`);
  }
  return out;
}

export const MONTHS: Record<Language, string[]> = {
  en: ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  de: ['januar', 'februar', 'märz', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'dezember'],
  pt: ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'],
};

/** Extra spoken forms the parser accepts besides the generated ones (regional or gendered). */
export const NUMBER_SYNONYMS: Record<Language, Record<string, number>> = {
  en: { oh: 0 },
  es: { un: 1, una: 1, primer: 1, primero: 1, veintiun: 21, veintiuna: 21, cien: 100, doscientas: 200, trescientas: 300, cuatrocientas: 400,
    quinientas: 500, seiscientas: 600, setecientas: 700, ochocientas: 800, novecientas: 900 },
  fr: { une: 1, premier: 1, premiere: 1 },
  de: { ein: 1, eine: 1, einen: 1, einer: 1, eins: 1 },
  pt: { uma: 1, duas: 2, primeiro: 1, primeira: 1, quatorze: 14, dezasseis: 16, dezassete: 17, dezanove: 19, cem: 100,
    duzentas: 200, trezentas: 300, quatrocentas: 400, quinhentas: 500, seiscentas: 600, setecentas: 700, oitocentas: 800,
    novecentas: 900 },
};
