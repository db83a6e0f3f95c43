import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * `GET /me`: who the caller is, as the access token says. API Gateway's JWT authorizer checked the
 * token before this runs (signature, `iss`, `aud`, `exp`, `nbf`): a request without a valid one
 * never reaches it. The claims arrive in the event, as strings.
 */
export async function handler(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> {
  const { claims } = event.requestContext.authorizer.jwt;
  // The user id only: the address is personal data and stays out of the logs.
  console.log(JSON.stringify({ message: 'GET /me', sub: claims.sub, requestId: event.requestContext.requestId }));
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ sub: claims.sub, claims }),
  };
}
