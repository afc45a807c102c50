import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contrastWithWhite } from '../../../web/capture/src/ui.ts';

// The page takes the project's colour for its buttons only when white text stays readable on it.
test('white-on-colour contrast follows WCAG 2 (the page uses the brand colour from 4.5:1)', () => {
  assert.equal(Math.round(contrastWithWhite('#000000') * 10) / 10, 21);
  assert.equal(Math.round(contrastWithWhite('#ffffff') * 10) / 10, 1);
  assert.ok(contrastWithWhite('#1d4ed8') >= 4.5, 'vkyc blue passes');
  assert.ok(contrastWithWhite('#0b5cad') >= 4.5, 'a dark brand blue passes');
  assert.ok(contrastWithWhite('#ffd400') < 4.5, 'a yellow brand colour would make buttons unreadable: ignored');
});
