import net from 'node:net';

/**
 * Truncates an IP address before it is stored (privacy by default): IPv4 to /24, IPv6 to /48.
 * "203.0.113.77" → "203.0.113.0/24".
 */
export function ipPrefix(ip: string | undefined | null): string | null {
  if (!ip) return null;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (net.isIPv4(v4)) {
    const p = v4.split('.');
    return `${p[0]}.${p[1]}.${p[2]}.0/24`;
  }
  if (net.isIPv6(ip)) {
    const full = expandIpv6(ip);
    return `${full.slice(0, 3).join(':')}::/48`;
  }
  return null;
}

function expandIpv6(ip: string): string[] {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((x) => x.replace(/^0+(?=.)/, '').toLowerCase());
}
