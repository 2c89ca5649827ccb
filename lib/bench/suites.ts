import { auditSuite } from '@/lib/audit/audit.bench';
import { customersListSuite, tokenVerificationSuite } from '@/lib/customers/bench-suites';
import { gatewaySuite } from '@/lib/gateway/bench';
import { gatewayQuotaSuite } from '@/lib/gateway/quota-bench';
import { gatewayVersionsSuite } from '@/lib/gateway/versions-bench';
import { licensingSuite } from '@/lib/licensing/bench';
import { statsSuite } from '@/lib/stats/bench';
import type { Suite } from './harness';

/** Each domain adds its benchmark suite here, one per line. */
export const SUITES: Suite[] = [
  gatewaySuite,
  gatewayQuotaSuite,
  gatewayVersionsSuite,
  statsSuite,
  licensingSuite,
  auditSuite,
  tokenVerificationSuite,
  customersListSuite,
];
