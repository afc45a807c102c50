/**
 * MRZ lines written for these tests (fictional people, specimen state code UTO and real codes),
 * with check digits computed by an independent re-implementation of ICAO 9303-3 §4.9.
 */
export function cd(value: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  [...value].forEach((ch, i) => {
    const v = /[0-9]/.test(ch) ? Number(ch) : /[A-Z]/.test(ch) ? ch.charCodeAt(0) - 55 : 0;
    sum += v * weights[i % 3]!;
  });
  return String(sum % 10);
}

const pad = (s: string, n: number): string => (s + '<'.repeat(n)).slice(0, n);

/** TD3 passport, 2×44. */
export function td3(o: { number: string; surname: string; given: string; birth: string; sex: string; expiry: string; personal?: string; state?: string }): string[] {
  const state = o.state ?? 'UTO';
  const l1 = pad(`P<${state}${o.surname}<<${o.given.replace(/ /g, '<')}`, 44);
  const num = pad(o.number, 9);
  const personal = pad(o.personal ?? '', 14);
  const pcd = o.personal ? cd(personal) : '<';
  const body = `${num}${cd(num)}${state}${o.birth}${cd(o.birth)}${o.sex}${o.expiry}${cd(o.expiry)}${personal}${pcd}`;
  const composite = cd(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43));
  return [l1, body + composite];
}

/** TD1 identity card, 3×30; numbers longer than 9 characters use the ICAO overflow. */
export function td1(o: { number: string; surname: string; given: string; birth: string; sex: string; expiry: string; state?: string }): string[] {
  const state = o.state ?? 'UTO';
  const head = o.number.length <= 9 ? `${pad(o.number, 9)}${cd(pad(o.number, 9))}` : `${o.number.slice(0, 9)}<${o.number.slice(9)}${cd(o.number)}`;
  const l1 = pad(`I<${state}${head}`, 30);
  const l2body = `${o.birth}${cd(o.birth)}${o.sex}${o.expiry}${cd(o.expiry)}${state}<<<<<<<<<<<`;
  const composite = cd(l1.slice(5, 30) + l2body.slice(0, 7) + l2body.slice(8, 15) + l2body.slice(18, 29));
  return [l1, l2body + composite, pad(`${o.surname}<<${o.given.replace(/ /g, '<')}`, 30)];
}

/** MRV-B visa, 2×36 (no composite check digit). */
export function mrvB(o: { number: string; surname: string; given: string; birth: string; sex: string; expiry: string; state: string; nationality: string }): string[] {
  const num = pad(o.number, 9);
  return [
    pad(`V<${o.state}${o.surname}<<${o.given}`, 36),
    pad(`${num}${cd(num)}${o.nationality}${o.birth}${cd(o.birth)}${o.sex}${o.expiry}${cd(o.expiry)}`, 36),
  ];
}
