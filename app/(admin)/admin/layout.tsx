import { AdminShell } from '@/components/shell/admin-shell';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { signOutAction } from '../../(auth)/actions';

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const { user } = await requireStaffPage();
  return (
    <AdminShell user={{ name: user.name, email: user.email, staffRole: user.staffRole! }} signOutAction={signOutAction}>
      {children}
    </AdminShell>
  );
}
