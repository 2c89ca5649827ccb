import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { DAY } from '@/lib/platform/time';

/** A self-signed RSA key and X.509 certificate, as IdPs publish in their metadata. */
export function generateSigningCertificate(commonName: string, years = 10): { privateKey: string; certificate: string } {
  // Node's native key generation: node-forge's pure-JS RSA takes seconds.
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const keys = { privateKey: forge.pki.privateKeyFromPem(privatePem), publicKey: forge.pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()) };
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + years * 365 * DAY);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { privateKey: privatePem, certificate: forge.pki.certificateToPem(cert) };
}
