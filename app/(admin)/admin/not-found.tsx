import { Compass } from 'lucide-react';
import { LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

/** Inside the admin shell: an unknown customer, repository or page. */
export default function AdminNotFound() {
  return (
    <EmptyState
      icon={Compass}
      className="py-16"
      title="Not found"
      description="There is nothing here: the customer, repository or page may have been deleted or renamed."
      action={<LinkButton href="/admin">Back to the dashboard</LinkButton>}
    />
  );
}
