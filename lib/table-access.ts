/**
 * Which items of the table each function may touch, and how: least privilege down to the key prefix
 * and the attribute, as data, turned into IAM statements by `tableStatement`. The attribute names come
 * from `lambdas/table-layout.ts`, which the store writes by.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ATTR, KEY_PREFIX, RECORD_ATTRIBUTES, SESSION_ATTRIBUTES, TABLE_KEYS, USER_INDEX } from '../lambdas/table-layout';
import type { FunctionName } from './functions';

/**
 * One grant on the table's items: these actions, on items whose key starts with `prefix`, naming
 * (writing, reading, or testing in a condition) only `attributes`, and getting back only what
 * `returnValues` allows.
 */
export interface ItemAccess {
  readonly actions: readonly string[];
  readonly prefix: string;
  readonly attributes: readonly string[];
  /** The `ReturnValues` a write may ask for (a request without the parameter is NONE). */
  readonly returnValues?: readonly string[];
}

/**
 * One grant on a secondary index: these actions on `index` alone, naming only `attributes`. An index's
 * keys are not the table's, so no key prefix applies.
 */
export interface IndexAccess {
  readonly actions: readonly string[];
  readonly index: string;
  readonly attributes: readonly string[];
}

export type TableAccess = ItemAccess | IndexAccess;

const SIGN_IN_RECORD = [...RECORD_ATTRIBUTES.link, ...RECORD_ATTRIBUTES.session];

/** Deleting an address's code only while it is a given sign-in's: its key and the attribute the condition reads. */
const OWN_CODE = [TABLE_KEYS.partitionKey, ATTR.signIn];

/** Reading a session: GetItem of a sign-in record's session fields (the session check; `grantReadSessions`). */
export const SESSION_READ_ACCESS: ItemAccess = {
  actions: ['dynamodb:GetItem'],
  prefix: KEY_PREFIX.signIn,
  attributes: [TABLE_KEYS.partitionKey, ...SESSION_ATTRIBUTES],
};

/** Signing out everywhere reads the user index: its key, the session fields it projects, and the table key. */
export const USER_INDEX_ATTRIBUTES = [TABLE_KEYS.partitionKey, USER_INDEX.partitionKey, ...USER_INDEX.projected];

/**
 * Which items each function may touch, and how. Verify and sign-out get a whole sign-in record back
 * (ALL_NEW, or ALL_OLD when a condition fails), so their list is the record's every attribute: what it
 * denies them is any other name.
 */
export const TABLE_ACCESS: Readonly<Record<FunctionName, readonly TableAccess[]>> = {
  'request-magic-link': [
    { actions: ['dynamodb:UpdateItem'], prefix: KEY_PREFIX.rateLimit, attributes: RECORD_ATTRIBUTES.counter, returnValues: ['NONE'] },
    // A link is created without any session attribute: this function cannot mint a session.
    { actions: ['dynamodb:PutItem'], prefix: KEY_PREFIX.signIn, attributes: RECORD_ATTRIBUTES.link, returnValues: ['NONE'] },
    { actions: ['dynamodb:PutItem'], prefix: KEY_PREFIX.code, attributes: RECORD_ATTRIBUTES.code, returnValues: ['NONE'] },
    // A request whose mail failed is undone: its link (only while unused) and code (only while its own) deleted.
    { actions: ['dynamodb:DeleteItem'], prefix: KEY_PREFIX.signIn, attributes: [TABLE_KEYS.partitionKey, ATTR.usedAt], returnValues: ['NONE'] },
    { actions: ['dynamodb:DeleteItem'], prefix: KEY_PREFIX.code, attributes: OWN_CODE, returnValues: ['NONE'] },
    // Drawing on the budget's reserve: a check that the address has a user, reading nothing back.
    { actions: ['dynamodb:ConditionCheckItem'], prefix: KEY_PREFIX.user, attributes: [TABLE_KEYS.partitionKey] },
  ],
  verify: [
    { actions: ['dynamodb:UpdateItem'], prefix: KEY_PREFIX.signIn, attributes: SIGN_IN_RECORD, returnValues: ['NONE', 'ALL_NEW'] },
    { actions: ['dynamodb:GetItem'], prefix: KEY_PREFIX.code, attributes: RECORD_ATTRIBUTES.code },
    // A completed sign-in gets its address's user, made by the first one (the id comes back: ALL_NEW).
    { actions: ['dynamodb:UpdateItem'], prefix: KEY_PREFIX.user, attributes: RECORD_ATTRIBUTES.user, returnValues: ['ALL_NEW'] },
    // A code sign-in deletes the address's code with it, while it is still that sign-in's.
    { actions: ['dynamodb:DeleteItem'], prefix: KEY_PREFIX.code, attributes: OWN_CODE, returnValues: ['NONE'] },
    // Wrong codes are counted (UpdateItem); a code sign-in checks the count in its transaction (ConditionCheckItem).
    { actions: ['dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'], prefix: KEY_PREFIX.rateLimit, attributes: RECORD_ATTRIBUTES.counter, returnValues: ['NONE'] },
    // A sign-in asked through /oauth2/authorize gets its single-use authorization code.
    { actions: ['dynamodb:PutItem'], prefix: KEY_PREFIX.authCode, attributes: RECORD_ATTRIBUTES.authCode, returnValues: ['NONE'] },
  ],
  'get-session': [SESSION_READ_ACCESS],
  // Refreshing an access token checks the session exactly as the session check does: nothing more.
  token: [SESSION_READ_ACCESS],
  'sign-out': [
    { actions: ['dynamodb:UpdateItem'], prefix: KEY_PREFIX.signIn, attributes: SIGN_IN_RECORD, returnValues: ['NONE', 'ALL_NEW'] },
    // Signing out everywhere finds an address's sign-ins in the user index (its keys are address
    // hashes): Query on that index only, nothing else of the table; and deletes the address's live code.
    { actions: ['dynamodb:Query'], index: USER_INDEX.name, attributes: USER_INDEX_ATTRIBUTES },
    { actions: ['dynamodb:DeleteItem'], prefix: KEY_PREFIX.code, attributes: [TABLE_KEYS.partitionKey], returnValues: ['NONE'] },
  ],
  // Exchanging a code (once, conditionally) and starting, rotating or ending its refresh family; a
  // refresh reads the session it belongs to; failed client authentications are counted.
  'oauth-token': [
    {
      actions: ['dynamodb:UpdateItem'],
      prefix: KEY_PREFIX.authCode,
      attributes: [...RECORD_ATTRIBUTES.authCode, ...RECORD_ATTRIBUTES.authCodeExchange],
      returnValues: ['ALL_NEW'],
    },
    { actions: ['dynamodb:PutItem'], prefix: KEY_PREFIX.refresh, attributes: RECORD_ATTRIBUTES.refresh, returnValues: ['NONE'] },
    { actions: ['dynamodb:UpdateItem'], prefix: KEY_PREFIX.refresh, attributes: RECORD_ATTRIBUTES.refresh, returnValues: ['NONE', 'ALL_NEW'] },
    SESSION_READ_ACCESS,
    { actions: ['dynamodb:UpdateItem'], prefix: KEY_PREFIX.rateLimit, attributes: RECORD_ATTRIBUTES.counter, returnValues: ['NONE'] },
  ],
  'sign-in-page': [],
  openapi: [],
  openid: [],
  fallback: [],
  // It reads the table's stream (through its event source mapping), never an item.
  'publish-events': [],
};

/** One grant as an IAM statement: its actions, on the table (or the index), within its prefix, attributes and ReturnValues. */
export function tableStatement(table: dynamodb.ITableV2, access: TableAccess): iam.PolicyStatement {
  if ('index' in access) {
    return new iam.PolicyStatement({
      actions: [...access.actions],
      resources: [`${table.tableArn}/index/${access.index}`],
      conditions: {
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...access.attributes] },
        StringEqualsIfExists: { 'dynamodb:Select': ['SPECIFIC_ATTRIBUTES'] },
      },
    });
  }
  return new iam.PolicyStatement({
    actions: [...access.actions],
    resources: [table.tableArn],
    conditions: {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${access.prefix}*`] },
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...access.attributes] },
      ...(access.returnValues ? { StringEqualsIfExists: { 'dynamodb:ReturnValues': [...access.returnValues] } } : {}),
    },
  });
}
