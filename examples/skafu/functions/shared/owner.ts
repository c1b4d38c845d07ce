// Who a request acts for: the JWT's subject (the projects command and the query API alike).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { claimsOf } from '../../../../lib/http';

/** The caller's owner id: its token's `sub`, or 'anonymous' when it has none. */
export function ownerOf(event: APIGatewayProxyEventV2): string {
  const sub = claimsOf(event)['sub'];
  return typeof sub === 'string' && sub ? sub : 'anonymous';
}
