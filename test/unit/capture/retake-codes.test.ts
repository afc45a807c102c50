import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { de } from '../../../web/capture/i18n/de.ts';
import { en } from '../../../web/capture/i18n/en.ts';
import { es } from '../../../web/capture/i18n/es.ts';
import { fr } from '../../../web/capture/i18n/fr.ts';
import { pt } from '../../../web/capture/i18n/pt.ts';
import { RETAKE_CODES } from '../../../web/capture/src/steps/review.ts';

// Every code the server's upload quality gates refuse a photo with (blur, glare, closed eyes, a face
// too far…) is something the user fixes by retaking: the page must stay on the photo with that
// gate's own sentence, never fall through to "Something went wrong". Read from the gates' source,
// so a gate added later without its prompt fails here.
test('every upload quality gate code keeps the user on the photo with its own sentence in every language', async () => {
  const source = await readFile(new URL('../../../src/sessions/image-quality.ts', import.meta.url), 'utf8');
  const codes = [...new Set([...source.matchAll(/new AppError\('(\w+)'/g)].map((m) => m[1]!))];
  assert.ok(codes.includes('image_blurry') && codes.includes('image_glare') && codes.includes('selfie_eyes_closed'), codes.join());
  for (const code of codes) {
    assert.ok(RETAKE_CODES.has(code), `${code} is a retake code`);
    for (const [lang, messages] of Object.entries({ en, de, es, fr, pt })) {
      const sentence = (messages as Record<string, string>)[`err.rejected.${code}`];
      assert.ok(sentence && sentence !== (messages as Record<string, string>)['err.rejected.generic'], `${lang} has a sentence for ${code}`);
    }
  }
});
