import { auditSuite } from '@/dev/bench/audit';
import { customersListSuite, tokenVerificationSuite } from '@/dev/bench/customers';
import { gatewaySuite } from '@/dev/bench/gateway';
import { gatewayQuotaSuite } from '@/dev/bench/gateway-quota';
import { gatewayVersionsSuite } from '@/dev/bench/gateway-versions';
import { licensingSuite } from '@/dev/bench/licensing';
import { listsSuite } from '@/dev/bench/lists';
import { statsSuite } from '@/dev/bench/stats';
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
  listsSuite,
];
