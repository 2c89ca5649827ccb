import { log } from '@/lib/platform/log';
import { errorLocation, handleSamlResponse } from '@/lib/identity/sso/flow';
import { redirectTo } from '@/lib/identity/sso/http';

/** The SAML Assertion Consumer Service: the IdP's browser POST lands here. */
export async function POST(request: Request) {
  try {
    const form = await request.formData();
    const location = await handleSamlResponse({
      SAMLResponse: typeof form.get('SAMLResponse') === 'string' ? (form.get('SAMLResponse') as string) : null,
      RelayState: typeof form.get('RelayState') === 'string' ? (form.get('RelayState') as string) : null,
    });
    return redirectTo(location);
  } catch (error) {
    log.error({ err: error }, 'SAML ACS failed');
    return redirectTo(errorLocation('error'));
  }
}
