// The caller's JWT claims as API Gateway's JWT authorizer passes them on, and the token's
// scopes: routes that need more than a valid token (a back-office scope) check them here.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The JWT claims of the request (requestContext.authorizer.jwt.claims); none without an authorizer. */
export function claimsOf(event: APIGatewayProxyEventV2): Readonly<Record<string, unknown>> {
  const context = event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } } | undefined;
  return context?.authorizer?.jwt?.claims ?? {};
}

/** The token's scopes: OAuth's space-separated `scope`, or an `scp` list (some issuers, some encodings). */
export function scopesOf(claims: Readonly<Record<string, unknown>>): Set<string> {
  const scopes = new Set<string>();
  for (const claim of [claims['scope'], claims['scp']]) {
    const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.replace(/^\[|\]$/g, '').split(/[\s,]+/) : [];
    for (const v of values) if (typeof v === 'string' && v) scopes.add(v);
  }
  return scopes;
}
