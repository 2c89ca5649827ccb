import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { ChangeEmailForm } from '@/components/account/change-email-form';
import { ChangePasswordForm } from '@/components/account/change-password-form';
import { DeleteAccountForm } from '@/components/account/delete-account-form';
import { MfaSection } from '@/components/account/mfa-section';
import { SessionList } from '@/components/account/session-list';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { KeyValueList } from '@/components/ui/key-value-list';
import { PageHeader } from '@/components/ui/page-header';
import { PASSWORD_MIN_LENGTH } from '@/lib/identity/auth/password-policy';
import { mfaStatus } from '@/lib/identity/auth/mfa';
import { canChangePassword } from '@/lib/identity/auth/passwords';
import { actorFor, getSessionUser } from '@/lib/identity/auth/session';
import { listSessions } from '@/lib/identity/auth/sessions';
import {
  beginMfaEnrolmentAction,
  changePasswordAction,
  confirmEmailChangeAction,
  confirmMfaEnrolmentAction,
  deleteAccountAction,
  disableMfaAction,
  endAllSessionsAction,
  endOtherSessionsAction,
  endSessionAction,
  regenerateRecoveryCodesAction,
  requestEmailChangeAction,
} from './actions';

export const metadata: Metadata = { title: 'Your account' };

const METHODS: Record<string, string> = { password: 'Email and password', saml: 'Single sign-on (SAML)', oidc: 'Single sign-on (OIDC)' };
const MFA_METHODS: Record<string, string> = { totp: 'authenticator code', recovery_code: 'recovery code' };

export default async function AccountPage() {
  const user = await getSessionUser();
  if (!user) redirect('/sign-in?callbackUrl=%2Faccount');
  const actor = actorFor(user, await headers());
  const [sessions, hasPassword, mfa] = await Promise.all([listSessions(actor), canChangePassword(actor), mfaStatus(actor)]);
  return (
    <>
      <PageHeader title="Your account" description="Your sign-in details and the devices signed in to your account." />
      <Card>
        <CardHeader>
          <CardTitle>Profile</CardTitle>
        </CardHeader>
        <CardContent>
          <KeyValueList
            items={[
              { label: 'Name', value: user.name ?? '—' },
              { label: 'Email', value: user.email },
              { label: 'Signed in with', value: METHODS[user.authMethod] ?? user.authMethod },
            ]}
          />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Email address</CardTitle>
          <CardDescription>
            {hasPassword
              ? 'To change it, confirm your password; we then email a code to the new address, and the change happens when you type it here. Your old address is told.'
              : 'You sign in with single sign-on, so your organization\'s identity provider owns your address. Ask your administrator to change it there.'}
          </CardDescription>
        </CardHeader>
        {hasPassword ? (
          <CardContent>
            <ChangeEmailForm email={user.email} requestAction={requestEmailChangeAction} confirmAction={confirmEmailChangeAction} />
          </CardContent>
        ) : null}
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Password</CardTitle>
          <CardDescription>
            {hasPassword ? 'Changing your password signs out every other device.' : 'You sign in with single sign-on, so your organization manages your password.'}
          </CardDescription>
        </CardHeader>
        {hasPassword ? (
          <CardContent>
            <ChangePasswordForm action={changePasswordAction} email={user.email} minLength={PASSWORD_MIN_LENGTH} />
          </CardContent>
        ) : null}
      </Card>
      <Card id="mfa">
        <CardHeader>
          <CardTitle>Two-factor authentication</CardTitle>
          <CardDescription>
            {mfa.hasPassword
              ? 'After your password, a code from an authenticator app on your phone. Recovery codes get you in if you lose the phone.'
              : 'You sign in with single sign-on: your identity provider asks for the second factor.'}
          </CardDescription>
        </CardHeader>
        {mfa.hasPassword ? (
          <CardContent>
            <MfaSection
              status={mfa}
              beginAction={beginMfaEnrolmentAction}
              confirmAction={confirmMfaEnrolmentAction}
              regenerateAction={regenerateRecoveryCodesAction}
              disableAction={disableMfaAction}
            />
          </CardContent>
        ) : null}
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Where you are signed in</CardTitle>
          <CardDescription>Signing a device out takes effect on its next click.</CardDescription>
        </CardHeader>
        <CardContent>
          <SessionList
            sessions={sessions.map((s) => ({ ...s, method: `${METHODS[s.authMethod] ?? s.authMethod}${s.mfaMethod ? ` + ${MFA_METHODS[s.mfaMethod] ?? s.mfaMethod}` : ''}` }))}
            endAction={endSessionAction}
            endOthersAction={endOtherSessionsAction}
            endAllAction={endAllSessionsAction}
          />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Your data</CardTitle>
          <CardDescription>Everything Portcullis holds about you, as JSON: your profile, memberships, sessions and what you did (the audit events you caused).</CardDescription>
        </CardHeader>
        <CardContent>
          <a href="/account/export" download className="text-sm font-medium text-link">
            Download your data
          </a>
        </CardContent>
      </Card>
      {user.staffRole ? null : (
        <Card className="border-danger-border">
          <CardHeader>
            <CardTitle>Delete your account</CardTitle>
            <CardDescription>
              You leave every organization and are signed out everywhere; this cannot be undone. The audit logs keep what you did. The last owner of an organization must make
              someone else an owner first.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <DeleteAccountForm action={deleteAccountAction} email={user.email} hasPassword={hasPassword} />
          </CardContent>
        </Card>
      )}
    </>
  );
}
