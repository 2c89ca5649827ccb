'use client';

import { usePathname } from 'next/navigation';
import { LinkButton } from '@/components/ui/button';

/** A way back to the organization's portal home, from wherever under /portal/<org>/ the user is. */
export function BackToOrg() {
  const org = usePathname().split('/')[2];
  return <LinkButton href={org ? `/portal/${org}` : '/portal'}>Back to your organization</LinkButton>;
}
