import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoAuthStore } from '../../lambdas/adapters/dynamo-auth-store';
import type { LinkRequest } from '../../lambdas/domain/ports';
import { MagicLinkAuthStack } from '../../lib/magic-link-auth-stack';

/**
 * Every request the store sends, checked against the IAM policy the construct gives the function that
 * sends it: the action, the key prefix, every attribute the request names (item, key, expressions,
 * projection) and its ReturnValues. A store change that needs more access fails here, not in production;
 * a policy that grants more than the store uses fails the exact lists in magic-link-auth.test.ts.
 */

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new MagicLinkAuthStack(app, 'Access', { auth: { senderAddress: 'no-reply@example.com', appName: 'Example App', signInUrl: 'https://app.example.com/sign-in' } });
const template = Template.fromStack(stack);
const functions = template.findResources('AWS::Lambda::Function');

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string[]>>;
}

function statementsOf(name: string): Statement[] {
  const logicalId = Object.keys(functions).find((id) => id.startsWith(`MagicLinkAuth${name}`) && !id.includes('Logs'))!;
  const roleRef = (functions[logicalId]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleRef))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** One authorization IAM makes for a request (a transaction is one per item). */
interface Access {
  action: string;
  index?: string;
  leadingKey?: string;
  attributes: string[];
  returnValues?: string;
  select?: string;
}

const EXPRESSION_WORDS = new Set([
  'set', 'remove', 'add', 'delete', 'and', 'or', 'not', 'between', 'in',
  'if_not_exists', 'attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains', 'size', 'list_append',
]);

/** The top-level attribute names an expression names, `#name` placeholders resolved. */
function namesIn(expression: string | undefined, names: Record<string, string> = {}): string[] {
  if (!expression) return [];
  return (expression.match(/#?[A-Za-z_][A-Za-z0-9_]*|:[A-Za-z0-9_]+/g) ?? [])
    .filter((token) => !token.startsWith(':') && !EXPRESSION_WORDS.has(token.toLowerCase()))
    .map((token) => (token.startsWith('#') ? names[token]! : token));
}

function accessOf(action: string, input: Record<string, unknown>): Access {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  const attributes = new Set<string>([
    ...Object.keys((input.Item ?? {}) as object),
    ...Object.keys((input.Key ?? {}) as object),
    ...['UpdateExpression', 'ConditionExpression', 'ProjectionExpression', 'KeyConditionExpression', 'FilterExpression'].flatMap((field) =>
      namesIn(input[field] as string | undefined, names),
    ),
  ]);
  return {
    action,
    ...(typeof input.IndexName === 'string' ? { index: input.IndexName } : {}),
    ...(key?.pk === undefined ? {} : { leadingKey: String(key.pk) }),
    attributes: [...attributes],
    ...(typeof input.ReturnValues === 'string' ? { returnValues: input.ReturnValues } : {}),
    ...(typeof input.ProjectionExpression === 'string' && action === 'dynamodb:Query' ? { select: 'SPECIFIC_ATTRIBUTES' } : {}),
  };
}

const like = (pattern: string, value: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);

/** Whether one Allow statement covers the access, evaluated as IAM does for the operators the construct uses. */
function allows(statement: Statement, access: Access): boolean {
  const actions = ([] as string[]).concat(statement.Action);
  if (!actions.includes(access.action)) return false;
  const onIndex = JSON.stringify(statement.Resource).includes('/index/');
  if (onIndex !== (access.index !== undefined)) return false;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, allowed] of Object.entries(keys)) {
      const values: string[] | undefined =
        key === 'dynamodb:LeadingKeys' ? (access.leadingKey === undefined ? [] : [access.leadingKey])
        : key === 'dynamodb:Attributes' ? access.attributes
        : key === 'dynamodb:ReturnValues' ? (access.returnValues === undefined ? undefined : [access.returnValues])
        : key === 'dynamodb:Select' ? (access.select === undefined ? undefined : [access.select])
        : (() => { throw new Error(`no evaluation for ${key}`); })();
      if (operator === 'ForAllValues:StringLike' && !values!.every((value) => allowed.some((pattern) => like(pattern, value)))) return false;
      if (operator === 'ForAllValues:StringEquals' && !values!.every((value) => allowed.includes(value))) return false;
      if (operator === 'StringEqualsIfExists' && values !== undefined && !values.every((value) => allowed.includes(value))) return false;
      if (!['ForAllValues:StringLike', 'ForAllValues:StringEquals', 'StringEqualsIfExists'].includes(operator)) throw new Error(`no evaluation for ${operator}`);
    }
  }
  return true;
}

/** Runs store calls against a stubbed client and returns every authorization their requests need. */
async function accessesOf(run: (store: DynamoAuthStore) => Promise<unknown>): Promise<Access[]> {
  const doc = mockClient(DynamoDBDocumentClient);
  doc.on(UpdateCommand).resolves({ Attributes: { email: 'a@example.com', user_hash: 'u', user_id: 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9' } });
  doc.on(GetCommand).resolves({ Item: { signin: 'abc', email: 'a@example.com', session_hash: 'h', session_expires_at: 9e9 } });
  doc.on(QueryCommand).resolves({ Items: [{ pk: 'signin#abc' }] });
  doc.on(TransactWriteCommand).resolves({});
  doc.on(DeleteCommand).resolves({});
  try {
    await run(new DynamoAuthStore({ tableName: 'table', client: new DynamoDBClient({ region: 'eu-west-1' }), backoffMs: () => 0 }));
    return doc.calls().flatMap((call) => {
      const command = call.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
      const input = command.input;
      switch (command.constructor.name) {
        case 'UpdateCommand':
          return [accessOf('dynamodb:UpdateItem', input)];
        case 'GetCommand':
          return [accessOf('dynamodb:GetItem', input)];
        case 'DeleteCommand':
          return [accessOf('dynamodb:DeleteItem', input)];
        case 'QueryCommand':
          return [accessOf('dynamodb:Query', input)];
        case 'TransactWriteCommand':
          return (input.TransactItems as Record<string, Record<string, unknown>>[]).map((item) => {
            const [kind, request] = Object.entries(item)[0]!;
            const action = { Put: 'dynamodb:PutItem', Update: 'dynamodb:UpdateItem', Delete: 'dynamodb:DeleteItem', ConditionCheck: 'dynamodb:ConditionCheckItem' }[kind]!;
            return accessOf(action, request);
          });
        default:
          throw new Error(`unexpected command ${command.constructor.name}`);
      }
    });
  } finally {
    doc.restore();
  }
}

const now = 1_800_000_000;
const linkRequest = (challenge?: string, redirectTo?: string): LinkRequest => ({
  ipKey: 'x', emailHash: 'y', window: { start: now, end: now + 3600 }, limits: { ip: 50, email: 5, inbox: 20 }, mailBudget: { shard: 3, limit: 100 },
  link: { id: 'abc', codeHash: 'def', email: 'a@example.com', userHash: 'u', expiresAt: now + 900, createdAt: now, retainUntil: now + 86400, ...(challenge ? { challenge } : {}), ...(redirectTo ? { redirectTo } : {}) },
});
const consume = { id: 'abc', now, challenge: 'c', sessionSecretHash: 'h', sessionExpiresAt: now + 3600, retainUntil: now + 86400, method: 'link' as const };
const attempts = { emailHash: 'y', ipKey: 'x', window: { start: now, end: now + 3600 }, limits: { networkAttempts: 5, attempts: 20, ipAttempts: 20 } };

/** What each function does with the store, by the domain service it runs. */
const USES: Record<string, (store: DynamoAuthStore) => Promise<unknown>> = {
  RequestMagicLink: async (store) => {
    await store.recordLinkRequest(linkRequest('challenge', 'https://app.example.com/after'));
    await store.recordLinkRequest(linkRequest());
    await store.releaseLinkRequest(linkRequest('challenge', 'https://app.example.com/after'));
    // A request the sign-in policy refused: its counters only.
    await store.countLinkRequest(linkRequest());
  },
  Verify: async (store) => {
    await store.consumeLink(consume);
    await store.findCode('u');
    await store.consumeByCode({ ...consume, email: 'a@example.com', userHash: 'u', redirectTo: 'https://app.example.com/after', attempts });
    await store.countWrongCode(attempts);
    await store.userOf({ userHash: 'u', candidateId: 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9', createdAt: now, email: 'ada@example.com', signInId: 'abc' });
    await store.setSignInUser({ id: 'abc', userId: 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9' });
    // A sign-in the policy refuses once its address is known: ended, with no user.
    await store.endSignIn({ id: 'abc', now, retainUntil: now + 86400 });
  },
  GetSession: (store) => store.getSession('abc'),
  SignOut: async (store) => {
    await store.revokeSession({ id: 'abc', sessionSecretHash: 'h', now, retainUntil: now + 86400 });
    await store.revokeAll({ userHash: 'u', now, retainUntil: now + 86400 });
  },
};

describe('table access: what the store sends is what IAM allows', () => {
  it.each(Object.keys(USES))('%s: every request it sends is allowed by one of its statements', async (name) => {
    const statements = statementsOf(name).filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));
    const accesses = await accessesOf(USES[name]!);
    expect(accesses.length).toBeGreaterThan(0);
    const denied = accesses.filter((access) => !statements.some((statement) => allows(statement, access)));
    expect(denied).toEqual([]);
  });

  it('the evaluation denies what the policy does not grant', async () => {
    const [put] = (await accessesOf((store) => store.recordLinkRequest(linkRequest()))).filter((access) => access.action === 'dynamodb:PutItem');
    const statements = statementsOf('RequestMagicLink');
    expect(statements.some((statement) => allows(statement, put!))).toBe(true);
    // The mail function writing a session onto a link, or a counter, or asking for the old item back.
    expect(statements.some((statement) => allows(statement, { ...put!, attributes: [...put!.attributes, 'session_hash'] }))).toBe(false);
    expect(statements.some((statement) => allows(statement, { ...put!, leadingKey: 'rl#ip#x' }))).toBe(false);
    expect(statements.some((statement) => allows(statement, { ...put!, returnValues: 'ALL_OLD' }))).toBe(false);
    // Session checks cannot write, nor read anything but the session fields.
    const [get] = await accessesOf((store) => store.getSession('abc'));
    expect(statementsOf('GetSession').some((statement) => allows(statement, { ...get!, action: 'dynamodb:UpdateItem' }))).toBe(false);
    expect(statementsOf('GetSession').some((statement) => allows(statement, { ...get!, attributes: [...get!.attributes, 'challenge'] }))).toBe(false);
    // Verify gets or makes a user's item, naming only its attributes, and no other function touches one.
    const [user] = await accessesOf((store) => store.userOf({ userHash: 'u', candidateId: 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9', createdAt: now, email: 'ada@example.com', signInId: 'abc' }));
    expect(user).toMatchObject({ action: 'dynamodb:UpdateItem', leadingKey: 'user#u', returnValues: 'ALL_NEW' });
    expect(statementsOf('Verify').some((statement) => allows(statement, { ...user!, attributes: [...user!.attributes, 'session_hash'] }))).toBe(false);
    expect(statementsOf('Verify').some((statement) => allows(statement, { ...user!, returnValues: 'ALL_OLD' }))).toBe(false);
    for (const name of ['RequestMagicLink', 'GetSession', 'SignOut']) expect(statementsOf(name).some((statement) => allows(statement, user!))).toBe(false);
  });
});
