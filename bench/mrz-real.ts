/**
 * The real specimen photos of ../shared/data/docs for the MRZ benchmark: ground-truth MRZ text per
 * image and the fixed tuning / held-back split.
 *
 * Ground truth: expected.csv's `mrz_lines` where stated (mrz-detection id1, id2); otherwise read by
 * eye from the image for this benchmark (annotations, checked against every check digit by
 * test/unit/documents/mrz-real.test.ts). Images without a printed, checkable MRZ have no entry.
 *
 * Split: one document photographed several times (Czech ×8 orientations, Australia ×3, PassportEye
 * jpg/png pairs) is one group, so that no document is in both splits. Group → split by the first
 * byte of sha1(group) (even = tuning, odd = held back), except the Czech specimen: issue 20 names it
 * and its failure was inspected to fix it, so it is tuning data by definition.
 */
import { createHash } from 'node:crypto';

const ERIKSSON_TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const ERIKSSON_TD2 = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];
const CZECH = ['P<CZESPECIMEN<<VZOR<<<<<<<<<<<<<<<<<<<<<<<<<', '99006000<8CZE1102299F16090641152291111<<<<24'];
const AUSTRALIA = ['P<AUSCITIZEN<<JANE<<<<<<<<<<<<<<<<<<<<<<<<<<', 'PA09404433AUS8406077F1903212<17332717P<<<<68'];

/** Truth by file (relative to docs/), for images whose lines are not in expected.csv. */
export const ANNOTATED: Record<string, readonly string[]> = {
  'images/passporteye/passport-td3.jpg': ERIKSSON_TD3,
  'images/passporteye/passport-td3.png': ERIKSSON_TD3,
  'images/passporteye/passport-td2.jpg': ERIKSSON_TD2,
  'images/passporteye/passport-td2.png': ERIKSSON_TD2,
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((k) => [`images/ultimatemrz/Czech_passport_2005_MRZ_orient${k}_1300x1002.jpg`, CZECH])),
  'images/ultimatemrz/Passport-Australia_1280x720.jpg': AUSTRALIA,
  'images/ultimatemrz/Passport-Australia_1280x720_rotate+90.jpg': AUSTRALIA,
  'images/ultimatemrz/Passport-Australia_1280x720_rotate-90.jpg': AUSTRALIA,
};

/** The document a file shows: file name without extension, orientation or rotation suffix. */
export function documentGroup(file: string): string {
  return file.replace(/^images\//, '').replace(/\.[a-z]+$/, '').replace(/_MRZ_orient\d.*$|_\d+x\d+.*$/, '');
}

export type Split = 'tuning' | 'held-back';

export function splitOf(file: string): Split {
  const group = documentGroup(file);
  if (group.startsWith('ultimatemrz/Czech_passport')) return 'tuning';
  const byte = createHash('sha1').update(group).digest()[0]!;
  return byte % 2 === 0 ? 'tuning' : 'held-back';
}
