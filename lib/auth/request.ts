/**
 * The client's address. X-Forwarded-For is honoured only when the operator
 * says a proxy sets it (TRUST_PROXY=true); Next.js' own server also sets it
 * from the socket, so without a proxy the first entry is the real peer.
 */
export function clientIp(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-for');
  if (forwarded) {
    const parts = forwarded.split(',').map((part) => part.trim()).filter(Boolean);
    // With a trusted proxy the client is the first hop; otherwise the closest one.
    const ip = process.env.TRUST_PROXY === 'true' ? parts[0] : parts[parts.length - 1];
    if (ip) return ip.replace(/^::ffff:/, '');
  }
  return headers.get('x-real-ip');
}
