import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ERROR_CODES, type ErrorCode } from '../../lambdas/domain/errors';
import { handler as fallback } from '../../lambdas/handlers/fallback';
import { handler as getSession } from '../../lambdas/handlers/get-session';
import { handler as requestMagicLink } from '../../lambdas/handlers/request-magic-link';
import { handler as verify } from '../../lambdas/handlers/verify';
import { apiEvent, invoke, type ParsedResponse } from '../fixtures/events';
import { expectError } from '../fixtures/assertions';
import { awsError, conditionFailed, mockAws, transactionCanceled } from '../fixtures/aws';

const aws = mockAws();
const NOW_S = Math.floor(Date.now() / 1000);
const TOKEN = 'q3Jv1kQm7oZ0s0cV8h9cXo3m2n1b0v9c8x7z6a5s4d3';

beforeEach(() => {
  aws.dynamo.reset();
  aws.ses.reset();
  aws.dynamo.on(TransactWriteCommand).resolves({});
  aws.ses.on(SendEmailCommand).resolves({});
});

const magicLink = (body: string | object, headers: Record<string, string> = {}) =>
  invoke(requestMagicLink, apiEvent({ body, headers }));
const verifyToken = () => invoke(verify, apiEvent({ path: '/v1/auth/verify', body: { token: TOKEN } }));

/**
 * One real way to provoke each catalogued code through a handler's full Middy chain. The Record type
 * makes a new catalog entry without a scenario a compile error.
 */
const scenarios: Record<ErrorCode, () => Promise<ParsedResponse>> = {
  invalid_json: () => magicLink('{"email":'),
  validation_failed: () => magicLink({ email: 'not-an-address' }),
  payload_too_large: () => magicLink({ email: 'ada@example.com', pad: 'x'.repeat(9000) }),
  unsupported_media_type: () => magicLink('email=ada@example.com', { 'Content-Type': 'application/x-www-form-urlencoded' }),
  route_not_found: () => invoke(fallback, apiEvent({ method: 'GET', path: '/v2/whatever', routeKey: '$default' })),
  method_not_allowed: () => invoke(fallback, apiEvent({ method: 'PUT', path: '/v1/auth/verify', routeKey: '$default' })),
  magic_link_ip_limit_exceeded: () => {
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['ConditionalCheckFailed', 'None', 'None']));
    return magicLink({ email: 'ada@example.com' });
  },
  magic_link_email_limit_exceeded: () => {
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'ConditionalCheckFailed', 'None']));
    return magicLink({ email: 'ada@example.com' });
  },
  magic_link_not_found: () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed());
    return verifyToken();
  },
  magic_link_expired: () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'x', link_expires_at: NOW_S - 1 }));
    return verifyToken();
  },
  magic_link_already_used: () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'x', link_expires_at: NOW_S + 600, used_at: NOW_S }));
    return verifyToken();
  },
  session_invalid: () => {
    aws.dynamo.on(GetCommand).resolves({});
    return invoke(getSession, apiEvent({ method: 'GET', path: '/v1/auth/session', headers: { Authorization: `Bearer ${TOKEN}.${TOKEN}` } }));
  },
  email_delivery_failed: () => {
    aws.ses.on(SendEmailCommand).rejects(awsError('MessageRejected'));
    return magicLink({ email: 'ada@example.com' });
  },
  service_unavailable: () => {
    aws.dynamo.on(UpdateCommand).rejects(awsError('ProvisionedThroughputExceededException'));
    return verifyToken();
  },
  internal_error: () => {
    aws.dynamo.on(TransactWriteCommand).rejects(new TypeError("Cannot read properties of undefined (reading 'S')"));
    return magicLink({ email: 'ada@example.com' });
  },
};

describe('error catalog', () => {
  it.each(ERROR_CODES)('%s is produced with its whole envelope and headers', async (code) => {
    const response = await scenarios[code]();
    expectError(response, code, code === 'validation_failed' ? [{ field: 'email', issue: 'must be a valid email address' }] : []);
  });

  it('never answers with API Gateway-style or plain-text bodies', async () => {
    for (const code of ERROR_CODES) {
      const response = await scenarios[code]();
      expect(response.body.message).not.toMatch(/Internal Server Error|TypeError|Cannot read/);
    }
  });
});
