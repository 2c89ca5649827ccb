import 'server-only';
/**
 * The environment variable the vendor's product reads its license from
 * (docs/licensing.md shows the product's side). LICENSE_ENV_VAR names
 * another one when the vendor's product uses a different name.
 */
export function licenseEnvVar(): string {
  const name = process.env.LICENSE_ENV_VAR;
  return name && /^[A-Z_][A-Z0-9_]*$/.test(name) ? name : 'PRODUCT_LICENSE';
}
