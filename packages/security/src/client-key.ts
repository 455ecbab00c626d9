const HEX_GROUP = /^[0-9a-f]{1,4}$/
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/

function hexGroupsOfIPv4 (ip: string): string[] | undefined {
  if (!IPV4.test(ip)) return undefined
  const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number]
  if (a > 255 || b > 255 || c > 255 || d > 255) return undefined
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)]
}

/** The eight hex groups of an IPv6 address (no leading zeros), or undefined if it is not one. */
function expandIPv6 (ip: string): string[] | undefined {
  const halves = ip.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string | undefined): string[] | undefined => {
    if (part === undefined || part === '') return []
    const groups = part.split(':')
    const out: string[] = []
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i] as string
      if (i === groups.length - 1 && group.includes('.')) {
        const tail = hexGroupsOfIPv4(group)
        if (tail === undefined) return undefined
        out.push(...tail)
      } else if (HEX_GROUP.test(group)) {
        out.push(parseInt(group, 16).toString(16))
      } else {
        return undefined
      }
    }
    return out
  }
  const head = parse(halves[0])
  const tail = halves.length === 2 ? parse(halves[1]) : []
  if (head === undefined || tail === undefined) return undefined
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  return [...head, ...Array<string>(missing).fill('0'), ...tail]
}

/**
 * The rate-limit key of a client address: IPv4 as is, IPv4-mapped IPv6 folded to IPv4, other IPv6
 * grouped by /64 (one subscriber usually holds a whole /64, so per-address keys are free to rotate).
 */
export function clientKey (ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown'
  if (!ip.includes(':')) return ip
  const zone = ip.indexOf('%')
  const groups = expandIPv6((zone === -1 ? ip : ip.slice(0, zone)).toLowerCase())
  if (groups === undefined) return ip
  if (groups[0] === '0' && groups[1] === '0' && groups[2] === '0' && groups[3] === '0' && groups[4] === '0' && groups[5] === 'ffff') {
    const high = parseInt(groups[6] as string, 16)
    const low = parseInt(groups[7] as string, 16)
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`
  }
  return `${groups.slice(0, 4).join(':')}::/64`
}
