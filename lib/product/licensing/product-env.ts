import 'server-only';
import { env } from '@/lib/platform/config/env';

/**
 * The environment variable the vendor's product reads its license from
 * (docs/licensing.md shows the product's side). LICENSE_ENV_VAR names
 * another one when the vendor's product uses a different name.
 */
export function licenseEnvVar(): string {
  return env('LICENSE_ENV_VAR');
}
