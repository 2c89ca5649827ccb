import { ShieldQuestion } from 'lucide-react';
import { BackToOrg } from '@/components/navigation/back-to-org';
import { EmptyState } from '@/components/ui/empty-state';

/**
 * Inside the portal shell: a page that does not exist, or one the member's role does not
 * include (the portal answers both alike, so it never confirms what another role can see).
 */
export default function PortalNotFound() {
  return (
    <EmptyState
      icon={ShieldQuestion}
      className="py-16"
      title="This page isn’t available to you"
      description="It does not exist, or your role in this organization does not include it. The owners and admins of your organization can change your role on the Team page."
      action={<BackToOrg />}
    />
  );
}
