import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { classifyError } from '../contract/errors';
import { METRICS, METRICS_DEPLOYMENT_DIMENSION, METRICS_DEPLOYMENT_ENV, METRICS_NAMESPACE, metricsOf, type MetricKey } from '../contract/metrics';
import type { Route } from '../contract/routes';
import type { ApiContext, Reply } from './middlewares';

/**
 * Powertools Metrics: each invocation's counts leave as one embedded-metric-format log line, which
 * CloudWatch turns into metrics (no PutMetricData calls, nothing on the request's path but a write
 * to stdout). Dimensions: Powertools' `service`, and the deployment the construct names.
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'magic-link-auth',
  defaultDimensions: { [METRICS_DEPLOYMENT_DIMENSION]: process.env[METRICS_DEPLOYMENT_ENV] ?? 'local' },
});

/** Counts and flushes at once: a request that counts nothing writes no line (and no Powertools warning). */
function publish(keys: readonly MetricKey[]) {
  if (keys.length === 0) return;
  for (const key of keys) metrics.addMetric(METRICS[key].name, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}

/**
 * Counts each request's route and outcome (`contract/metrics.ts`) and flushes them when the request
 * ends, error or not. The chain hands it the route its function serves. A handler names its own success metric in its reply (`metric`) when one route
 * has several kinds of success.
 */
export function outcomeMetrics(
  operationId: Route['operationId'],
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext> {
  return {
    after: (request) => {
      const reply = request.response as unknown as Reply;
      publish(metricsOf(operationId, reply.kind === 'data' && reply.metric !== undefined ? { success: reply.metric } : {}));
    },
    onError: (request) => {
      publish(metricsOf(operationId, { error: classifyError(request.error).code }));
    },
  };
}
