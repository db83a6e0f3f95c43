import type { RouteHandlerName } from '../lambdas/contract/routes';

/** The construct's functions: one per route handler, plus the fallback for what no route matches. */
export type FunctionName = RouteHandlerName | 'fallback';
