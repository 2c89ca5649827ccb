import { customersListSuite, tokenVerificationSuite } from '@/lib/customers/bench-suites';
import type { Suite } from './harness';

/** Each domain adds its benchmark suite here. */
export const SUITES: Suite[] = [
  // issue 3
  tokenVerificationSuite,
  customersListSuite,
];
