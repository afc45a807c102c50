import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultAsn, defaultCity } from '../../../src/risk/config.ts';
import { createGeoIp } from '../../../src/risk/geoip.ts';
import { classifyHosting } from '../../../src/risk/hosting.ts';

// Real lookups in the shipped databases (DB-IP Lite city, ip-location-db ASN) for public resolvers
// whose operators publish where they are.
const geo = createGeoIp({ city: defaultCity(), asn: defaultAsn() });

test('Google Public DNS 8.8.8.8: AS15169 Google, US, a US zone, a datacenter', () => {
  const g = geo.lookup('8.8.8.8');
  assert.equal(g.asn, 15169);
  assert.match(g.as_org ?? '', /Google/);
  assert.equal(g.country_code, 'US');
  assert.match(g.timezone ?? '', /^America\//);
  assert.equal(classifyHosting(g.asn, g.as_org).datacenter, true);
});

test('Cloudflare 1.1.1.1: AS13335; Quad9 9.9.9.9: AS19281', () => {
  assert.equal(geo.lookup('1.1.1.1').asn, 13335);
  assert.equal(geo.lookup('9.9.9.9').asn, 19281);
});

test('IPv6 Google DNS 2001:4860:4860::8888 → AS15169; IPv4-mapped address is unmapped', () => {
  assert.equal(geo.lookup('2001:4860:4860::8888').asn, 15169);
  assert.equal(geo.lookup('::ffff:8.8.8.8').ip, '8.8.8.8');
  assert.equal(geo.lookup('::ffff:8.8.8.8').asn, 15169);
});

test('a private address has no location and no AS; a non-address throws', () => {
  const p = geo.lookup('10.1.2.3');
  assert.equal(p.country_code, null);
  assert.equal(p.asn, null);
  assert.throws(() => geo.lookup('not-an-ip'), /not an IP address/);
});

test('hosting classification: listed ASN, name pattern, and an access ISP that is neither', () => {
  assert.deepEqual(classifyHosting(16509, 'Amazon.com, Inc.'), { datacenter: true, provider: 'Amazon AWS', rule: 'asn' });
  assert.equal(classifyHosting(999999, 'Example Hosting Ltd').rule, 'name');
  // AT&T consumer broadband (the seed's sample network) is not hosting.
  assert.equal(classifyHosting(7018, 'AT&T Enterprises, LLC').datacenter, false);
});
