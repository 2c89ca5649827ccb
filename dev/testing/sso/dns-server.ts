import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

/**
 * A minimal authoritative DNS server over UDP that answers TXT queries from
 * a table, so domain verification is tested against a real resolver
 * (node:dns with SSO_DNS_SERVERS) instead of a mock.
 */
export async function startTxtDnsServer(records: Map<string, string[]>, port = 0) {
  const socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    const id = query.subarray(0, 2);
    // Question: labels from byte 12 until a zero length, then QTYPE and QCLASS.
    let offset = 12;
    const labels: string[] = [];
    while (offset < query.length && query[offset] !== 0) {
      const length = query[offset]!;
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += length + 1;
    }
    const questionEnd = offset + 5;
    const question = query.subarray(12, questionEnd);
    const qtype = query.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    const values = qtype === 16 ? (records.get(name) ?? []) : [];
    const answers = values.map((value) => {
      const text = Buffer.from(value, 'utf8');
      const rdata = Buffer.concat([Buffer.from([text.length]), text]);
      const header = Buffer.alloc(12);
      header.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      header.writeUInt16BE(16, 2); // TXT
      header.writeUInt16BE(1, 4); // IN
      header.writeUInt32BE(60, 6); // TTL
      header.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([header, rdata]);
    });
    const flags = Buffer.alloc(10);
    flags.writeUInt16BE(records.has(name) ? 0x8400 : 0x8403, 0); // response, authoritative; NXDOMAIN when unknown
    flags.writeUInt16BE(1, 2); // QDCOUNT
    flags.writeUInt16BE(answers.length, 4); // ANCOUNT
    socket.send(Buffer.concat([id, flags, question, ...answers]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  const address = socket.address() as AddressInfo;
  return {
    server: `127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
