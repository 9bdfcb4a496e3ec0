import { isIP } from 'node:net';

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((total, octet) => total * 256 + Number(octet), 0);
}

const privateIpv4Ranges: ReadonlyArray<readonly [string, number]> = [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['100.64.0.0', 10],
  ['0.0.0.0', 8],
];

/** RFC 1918, loopback, link-local, CGNAT and IPv6 ULA/link-local/loopback count as private. */
export function isPrivateIpAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) {
    const value = ipv4ToNumber(address);
    return privateIpv4Ranges.some(([base, bits]) => {
      const size = 2 ** (32 - bits);
      const start = ipv4ToNumber(base);
      return value >= start && value < start + size;
    });
  }
  if (version === 6) {
    const lower = address.toLowerCase();
    return lower === '::1' || lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80');
  }
  return false;
}

/** Splits a list that may hold comma-separated values, drops invalid entries and duplicates. */
export function splitIpAddresses(values: ReadonlyArray<string | null | undefined>): {
  all: string[];
  public: string[];
  private: string[];
} {
  const all = new Set<string>();
  for (const value of values) {
    for (const part of (value ?? '').split(/[\s,;]+/)) {
      if (part && isIP(part)) all.add(part);
    }
  }
  const list = [...all];
  return {
    all: list,
    public: list.filter((address) => !isPrivateIpAddress(address)),
    private: list.filter((address) => isPrivateIpAddress(address)),
  };
}
