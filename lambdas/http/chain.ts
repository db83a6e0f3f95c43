import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { loadConfig, type ConfigResult } from '../config';
import type { Route } from '../contract/routes';
import { logger } from './logger';
import { apiEnvelope, bodyLimit, jsonBody, type ApiContext, type Reply } from './middlewares';

/** Read once per container, at init. */
const containerConfig: ConfigResult = loadConfig();

export type ApiHandler<TBody> = (
  event: Omit<APIGatewayProxyEventV2, 'body'> & { body: TBody },
  context: ApiContext,
) => Promise<Reply>;

type Middleware = middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>;

export type ChainOptions = {
  /** Parse a JSON body: required (`true`), when one is sent (`'optional'`), or never (`false`). */
  readonly jsonBody: boolean | 'optional';
  /** Configuration to use instead of the environment's (tests). */
  readonly config?: ConfigResult;
} & (
  | {
      /** The route this function serves (`contract/routes.ts`), handed to the middlewares that need it. */
      readonly operationId: Route['operationId'];
      /**
       * The outcome metrics middleware (`./metrics`), for the routes whose outcomes are counted
       * (`contract/metrics.ts`). Passed in rather than always used, so the functions that count nothing
       * do not carry Powertools Metrics (npm run bench shows each bundle's size).
       */
      readonly metrics?: (operationId: Route['operationId']) => Middleware;
    }
  // A function that serves several routes (the hosted page's files) or none (the fallback): it counts nothing.
  | { readonly operationId?: undefined; readonly metrics?: undefined }
);

/** The page's own images, and the brand's logo: its origin exactly, never a wildcard. */
function imageSources(configResult: ConfigResult): string {
  const logo = configResult.ok ? configResult.config.brand.logoUrl : undefined;
  return logo === undefined ? "'self'" : `'self' ${new URL(logo).origin}`;
}

/**
 * The one middleware chain every route shares. `before` runs top to bottom; `after` and `onError`
 * run bottom to top, so the outcome is counted first, then the envelope rendered, then the security
 * headers and the Powertools context applied, on successes and errors alike. CORS is API Gateway's
 * (the construct configures it from `allowedOrigins`): it answers preflights and adds the allow headers.
 */
export function httpHandler<TBody = undefined>(options: ChainOptions, handler: ApiHandler<TBody>) {
  const configResult = options.config ?? containerConfig;
  const chain = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>()
    // logEvent pinned off: POWERTOOLS_LOGGER_LOG_EVENT=true, set while debugging, would print bodies
    // (addresses, tokens, codes) and headers (session tokens). The option wins over the variable.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(
      httpSecurityHeaders({
        strictTransportSecurity: { maxAge: 2 * 365 * 24 * 3600, includeSubDomains: true, preload: false },
        // No reporting endpoint exists: Middy would otherwise send an empty `report-to` on the page.
        reportingEndpoints: false,
        reportTo: false,
        // No `x-xss-protection` (Middy can only send `1; mode=block`): browsers that still act on it are
        // retired and their filter could itself be abused; OWASP and MDN advise `0` or nothing, and the
        // page's CSP (no inline code, Trusted Types) is its XSS defence.
        xssProtection: false,
        // Applied to HTML only (the hosted sign-in page): its own script, styles and API calls, no inline
        // code, Trusted Types enforced. No sandbox (it would stop the module) and no
        // upgrade-insecure-requests (the local emulator serves http on loopback).
        contentSecurityPolicy: {
          'default-src': "'self'",
          'script-src': "'self'",
          'style-src': "'self'",
          'connect-src': "'self'",
          'img-src': imageSources(configResult),
          'object-src': "'none'",
          'form-action': "'self'",
          'navigate-to': '',
          'report-to': '',
          sandbox: false,
          'upgrade-insecure-requests': false,
        },
      } as unknown as Parameters<typeof httpSecurityHeaders>[0]),
    )
    .use(apiEnvelope(configResult));
  // Below the envelope, so its `after` sees the handler's reply before the envelope renders it.
  if (options.metrics) chain.use(options.metrics(options.operationId));
  chain
    .use(httpHeaderNormalizer())
    .use(bodyLimit());
  if (options.jsonBody) chain.use(jsonBody({ optional: options.jsonBody === 'optional' }));
  return chain.handler(handler as never);
}
