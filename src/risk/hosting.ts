// Datacenter / hosting classification by autonomous system. A real person on a phone or home line
// connects through an access ISP; a session from a cloud or hosting network is a server, a VPN
// endpoint or a remote desktop. The list names the largest hosting and cloud networks (ASNs as
// published in each provider's own PeeringDB / RIR records); the name patterns catch the long tail
// of small hosters whose AS names say what they are. Extend either here; docs/risk.md explains.

/** ASN → provider: cloud and hosting networks. */
const HOSTING_ASNS: ReadonlyMap<number, string> = new Map([
  [16509, 'Amazon AWS'], [14618, 'Amazon AWS'], [8987, 'Amazon AWS'],
  [15169, 'Google'], [396982, 'Google Cloud'], [19527, 'Google'],
  [8075, 'Microsoft Azure'], [8068, 'Microsoft'],
  [13335, 'Cloudflare'], [209242, 'Cloudflare WARP'],
  [14061, 'DigitalOcean'], [16276, 'OVH'], [24940, 'Hetzner'], [213230, 'Hetzner Cloud'],
  [63949, 'Akamai Linode'], [20940, 'Akamai'], [20473, 'Vultr (Choopa)'], [31898, 'Oracle Cloud'],
  [45102, 'Alibaba Cloud'], [37963, 'Alibaba Cloud'], [132203, 'Tencent Cloud'], [45090, 'Tencent Cloud'],
  [12876, 'Scaleway'], [51167, 'Contabo'], [60781, 'Leaseweb'], [28753, 'Leaseweb'], [16265, 'Leaseweb'],
  [9009, 'M247'], [212238, 'Datacamp (CDN77)'], [60068, 'Datacamp (CDN77)'], [36352, 'ColoCrossing'],
  [62567, 'DigitalOcean'], [46606, 'Unified Layer'], [26496, 'GoDaddy'], [398101, 'GoDaddy'],
  [8560, 'IONOS'], [197540, 'netcup'], [49981, 'WorldStream'], [53667, 'FranTech (BuyVM)'],
  [40021, 'Contabo US'], [3223, 'Voxility'], [35916, 'Multacom'], [54290, 'Hostwinds'],
  [55286, 'ServerMania'], [19318, 'Interserver'], [30633, 'Leaseweb US'], [22612, 'Namecheap'],
]);

/**
 * AS organisation names that say "hosting". Word-bounded so that e.g. "Cloudnet Telecom" (an access
 * ISP) does not match `cloud` by accident — checked against the shipped ASN table's names.
 */
const HOSTING_NAME_PATTERNS: readonly RegExp[] = [
  /\bhosting\b/i, /\bhost(ers?|ed)?\b/i, /\bdata ?cent(er|re)s?\b/i, /\bdatacenter\b/i, /\bcolo(cation)?\b/i,
  /\bvps\b/i, /\bdedicated servers?\b/i, /\bserver(s)?\b/i, /\bcloud (services|computing|infrastructure|platform)\b/i,
];

export interface HostingVerdict { datacenter: boolean; provider: string | null; rule: 'asn' | 'name' | null }

export function classifyHosting(asn: number | null, org: string | null): HostingVerdict {
  if (asn !== null) {
    const provider = HOSTING_ASNS.get(asn);
    if (provider) return { datacenter: true, provider, rule: 'asn' };
  }
  if (org && HOSTING_NAME_PATTERNS.some((p) => p.test(org))) return { datacenter: true, provider: org, rule: 'name' };
  return { datacenter: false, provider: null, rule: null };
}
