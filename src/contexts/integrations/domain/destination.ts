import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where PakLog may send a webhook (server-side request forgery guard). A subscription names any http(s) URL, and
 * PakLog then POSTs to it from inside the site's network: without a guard, a caller allowed to subscribe could make
 * PakLog reach the cloud's instance metadata (169.254.169.254: credentials) or, where it should not, the site's own
 * services. Link-local and unspecified addresses are never a receiver. Loopback and private networks are refused only
 * with `allowPrivate` false (PAKLOG_WEBHOOK_ALLOW_PRIVATE=false): on premises an ERP on the LAN is the usual receiver.
 * The address is judged when the subscription is made (a literal IP) and again at every delivery, on the address the
 * connection is actually made to (`guardedLookup`), so a name that resolves somewhere else later is caught too.
 */
export interface DestinationPolicy {
  readonly allowPrivate: boolean;
}

const NEVER = new BlockList();
NEVER.addSubnet('169.254.0.0', 16, 'ipv4');
NEVER.addSubnet('0.0.0.0', 8, 'ipv4');
NEVER.addSubnet('fe80::', 10, 'ipv6');
NEVER.addAddress('::', 'ipv6');
// AWS' IPv6 instance metadata endpoint.
NEVER.addAddress('fd00:ec2::254', 'ipv6');

const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/** An IPv4-mapped IPv6 address (`::ffff:169.254.169.254`) is judged as the IPv4 address it carries. */
function unmapped(ip: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (dotted !== null) return { address: dotted[1]!, family: 'ipv4' };
  // As URL writes it: `[::ffff:a9fe:a9fe]`.
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (hex !== null) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
  }
  return { address: ip, family: isIP(ip) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why PakLog will not send to `ip`, or undefined when it may. */
export function refusedAddress(ip: string, policy: DestinationPolicy): string | undefined {
  const { address, family } = unmapped(ip);
  if (NEVER.check(address, family)) return `${ip} is a link-local or unspecified address (such as a cloud's instance metadata), never a webhook receiver`;
  if (!policy.allowPrivate && PRIVATE.check(address, family)) return `${ip} is a loopback or private address, refused with PAKLOG_WEBHOOK_ALLOW_PRIVATE=false`;
  return undefined;
}

/**
 * What is wrong with a subscription's URL, as a message for its `/url` field, or undefined: http(s) only, no
 * credentials in it (each delivery is signed instead, and a listed subscription would show them), and a literal IP
 * address the policy allows.
 */
export function urlProblem(url: string, policy: DestinationPolicy): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an http or https URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http or https URL';
  if (u.username !== '' || u.password !== '') return 'must not carry credentials (user:password@): PakLog signs every delivery (PakLog-Signature) for the receiver to check';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) === 0 ? undefined : refusedAddress(host, policy);
}

/** An error of a connection PakLog refused to make (its `code` is what the delivery log shows). */
export class DestinationRefused extends Error {
  readonly code = 'DESTINATION_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'DestinationRefused';
  }
}

/**
 * `lookup` for http(s).request: resolves the host as Node would and refuses the connection when any address it would
 * use is not allowed, so what is checked is what is connected to.
 */
export function guardedLookup(policy: DestinationPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err !== null) {
        callback(err, '', 0);
        return;
      }
      const refused = addresses.map((a) => refusedAddress(a.address, policy)).find((r) => r !== undefined);
      if (refused !== undefined) {
        callback(new DestinationRefused(refused), '', 0);
        return;
      }
      if (options.all === true) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
