import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Reader } from 'maxmind';
import tzLookup from '@photostructure/tz-lookup';
import { unmapped } from '../config/trusted-proxies.ts';
import { loadAsnTable, type AsnTable } from './asn-table.ts';

// Country, city, coordinates, timezone and ASN of an IP address, offline. The databases are files
// (paths in risk/config.ts, defaults shipped in npm packages) read once, on first use: a process
// that never computes risk signals never pays the ~200 MB they take in memory.
// DB-IP Lite leaves `timezone` empty, so the zone comes from the coordinates (tz-lookup's shapes).

interface IpLocation {
  country_code: string | null;
  state: string | null;
  city: string | null;
  zip_code: string | null;
  latitude: number | null;
  longitude: number | null;
  timezone: string | null;
}

export interface IpInfo extends IpLocation {
  ip: string;
  asn: number | null;
  as_org: string | null;
}

export interface GeoIp {
  lookup(ip: string): IpInfo;
}

export interface GeoIpFiles {
  /** MMDB files in DB-IP Lite city layout (country_code, state1, city, postcode, latitude, longitude); tried in order. */
  city: readonly string[];
  /** ip-location-db ASN "num" CSVs (start,end,asn,org); IPv4 and IPv6 files may be mixed. */
  asn: readonly string[];
}

interface CityRecord { country_code?: unknown; state1?: unknown; city?: unknown; postcode?: unknown; latitude?: unknown; longitude?: unknown; timezone?: unknown }

const blank = (s: unknown) => (typeof s === 'string' && s.length ? s : null);

/** Opens the databases lazily; a missing file fails on the first lookup with its path in the message. */
export function createGeoIp(files: GeoIpFiles): GeoIp {
  let readers: Reader<never>[] | null = null;
  let asn: AsnTable | null = null;
  const city = (ip: string): CityRecord | null => {
    readers ??= files.city.map((f) => new Reader<never>(readFileSync(f)));
    for (const r of readers) {
      try {
        // Fields are read with type checks below (blank, typeof): a file of another layout yields nulls.
        const hit = r.get(ip) as CityRecord | null;
        if (hit) return hit;
      } catch {
        // An IPv6 address asked of an IPv4-only file: try the next file.
      }
    }
    return null;
  };
  return {
    lookup(raw) {
      const ip = unmapped(raw);
      if (isIP(ip) === 0) throw new Error('not an IP address');
      const c = city(ip);
      asn ??= loadAsnTable(files.asn);
      const a = asn.find(ip);
      const lat = typeof c?.latitude === 'number' ? round4(c.latitude) : null;
      const lon = typeof c?.longitude === 'number' ? round4(c.longitude) : null;
      return {
        ip,
        country_code: blank(c?.country_code),
        state: blank(c?.state1),
        city: blank(c?.city),
        zip_code: blank(c?.postcode),
        latitude: lat,
        longitude: lon,
        timezone: blank(c?.timezone) ?? (lat !== null && lon !== null ? safeTz(lat, lon) : null),
        asn: a?.asn ?? null,
        as_org: a?.org ?? null,
      };
    },
  };
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

function safeTz(lat: number, lon: number): string | null {
  try {
    return tzLookup(lat, lon);
  } catch {
    return null;
  }
}
