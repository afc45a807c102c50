/** Per-field confidence: the weakest recognised character of the field (0–1). */
import type { Span } from './mrz-checks.ts';
import type { MrzFormat } from './mrz-format.ts';
import type { FieldName } from './mrz-parse.ts';

type FieldSpans = Partial<Record<FieldName, Span[]>>;

function travelSpans(length: number, personal: boolean): FieldSpans {
  return {
    document_type: [[0, 0, 2]], issuing_country: [[0, 2, 5]], surname: [[0, 5, length]], given_names: [[0, 5, length]],
    document_number: [[1, 0, 10]], nationality: [[1, 10, 13]], birth_date: [[1, 13, 20]], sex: [[1, 20, 21]],
    expiry_date: [[1, 21, 28]], ...(personal ? { personal_number: [[1, 28, 43]] as Span[] } : {}),
  };
}

function fieldSpans(format: MrzFormat): FieldSpans {
  switch (format) {
    case 'TD3':
      return travelSpans(44, true);
    case 'MRV-A':
      return travelSpans(44, false);
    case 'TD2':
    case 'MRV-B':
      return travelSpans(36, false);
    case 'TD1':
      return {
        document_type: [[0, 0, 2]], issuing_country: [[0, 2, 5]], document_number: [[0, 5, 30]],
        birth_date: [[1, 0, 7]], sex: [[1, 7, 8]], expiry_date: [[1, 8, 15]], nationality: [[1, 15, 18]],
        surname: [[2, 0, 30]], given_names: [[2, 0, 30]],
      };
    case 'FRENCH_NATIONAL_ID':
      return {
        document_type: [[0, 0, 2]], issuing_country: [[0, 2, 5]], surname: [[0, 5, 30]], document_number: [[1, 0, 13]],
        given_names: [[1, 13, 27]], birth_date: [[1, 27, 34]], sex: [[1, 34, 35]],
      };
  }
}

export function fieldConfidences(format: MrzFormat, confidences: readonly (readonly number[])[]): Partial<Record<FieldName, number>> {
  const out: Partial<Record<FieldName, number>> = {};
  for (const [name, spans] of Object.entries(fieldSpans(format)) as [FieldName, Span[]][]) {
    let min = 1;
    for (const [line, start, end] of spans) {
      for (let i = start; i < end; i++) min = Math.min(min, confidences[line]?.[i] ?? 0);
    }
    out[name] = Math.round(min * 1000) / 1000;
  }
  return out;
}
