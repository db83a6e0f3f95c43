import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS, USER_INDEX } from '../../lambdas/table-layout';
import { ROOT, run } from './emulator';

/**
 * AWS's DynamoDB Local (Maven Central `com.amazonaws:DynamoDBLocal`, with its sqlite4java native
 * libraries): a second DynamoDB engine beside the emulator's, for the store's contract tests.
 * Pinned: the differences noted in docs/local-emulator.md were seen on this version.
 */
export const DYNAMODB_LOCAL_VERSION = '2.6.1';

const HOME = path.join(ROOT, '.local', 'dynamodb-local', DYNAMODB_LOCAL_VERSION);
const LIB = path.join(HOME, 'lib');
const LAUNCHER = path.join(ROOT, 'scripts', 'local', 'java', 'DynamoDbLocalOnLoopback.java');
const LAUNCHER_CLASS = path.basename(LAUNCHER, '.java');

export interface DynamoDbEngine {
  /** e.g. http://127.0.0.1:39707 */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Where the launcher is compiled to: keyed by its source, so an edited launcher is compiled again. */
function launcherClasses(): string {
  const digest = createHash('sha256').update(readFileSync(LAUNCHER)).digest('hex').slice(0, 12);
  return path.join(HOME, `launcher-${digest}`);
}

/**
 * Fetches DynamoDB Local and its dependencies into `.local/dynamodb-local/<version>/lib` with Maven,
 * and compiles the loopback launcher against them, unless both are there. Java 17 (java, javac) and
 * mvn are the prerequisites. A cold Maven repository downloads about 67 MB, once.
 */
export function ensureDynamoDbLocal(log: (line: string) => void = () => undefined): void {
  const marker = path.join(HOME, '.installed');
  if (!existsSync(marker)) {
    log(`installing DynamoDB Local ${DYNAMODB_LOCAL_VERSION} into .local/dynamodb-local (first run only)`);
    mkdirSync(HOME, { recursive: true });
    writeFileSync(
      path.join(HOME, 'pom.xml'),
      `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local</groupId><artifactId>dynamodb-local</artifactId><version>1</version>
<dependencies><dependency><groupId>com.amazonaws</groupId><artifactId>DynamoDBLocal</artifactId><version>${DYNAMODB_LOCAL_VERSION}</version></dependency></dependencies>
</project>
`,
    );
    run('mvn', ['-q', '-B', '-Dstyle.color=never', 'dependency:copy-dependencies', `-DoutputDirectory=${LIB}`], 'installing DynamoDB Local', HOME);
    writeFileSync(marker, '');
  }
  const classes = launcherClasses();
  if (!existsSync(path.join(classes, `${LAUNCHER_CLASS}.class`))) {
    // Compiled aside, then moved in whole: a concurrent start never sees half a directory.
    const scratch = `${classes}.${process.pid}`;
    rmSync(scratch, { recursive: true, force: true });
    run('javac', ['-nowarn', '-d', scratch, '-cp', `${LIB}/*`, LAUNCHER], 'compiling the DynamoDB Local launcher');
    rmSync(classes, { recursive: true, force: true });
    renameSync(scratch, classes);
  }
}

/**
 * Uses the DynamoDB engine at DYNAMODB_ENDPOINT when set; otherwise starts DynamoDB Local in memory
 * on a free port of 127.0.0.1 (the launcher binds loopback only, and lets the system pick the port).
 * It stops with `stop()`, or when this process exits (its standard input closes).
 */
export async function startDynamoDbLocal(options: { log?: (line: string) => void } = {}): Promise<DynamoDbEngine> {
  const log = options.log ?? (() => undefined);
  const external = process.env.DYNAMODB_ENDPOINT;
  if (external) {
    log(`using the DynamoDB engine at ${external} (DYNAMODB_ENDPOINT)`);
    return { endpoint: external.replace(/\/+$/, ''), stop: async () => undefined };
  }
  ensureDynamoDbLocal(log);
  const started = Date.now();
  const child = spawn('java', [`-Djava.library.path=${LIB}`, '-cp', `${LIB}/*${path.delimiter}${launcherClasses()}`, LAUNCHER_CLASS, '0'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`DynamoDB Local did not start within 60 s:\n${output}`));
    }, 60_000);
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
      const match = /listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`DynamoDB Local exited with ${code} before it was ready:\n${output}`));
    });
  });
  log(`DynamoDB Local ${DYNAMODB_LOCAL_VERSION} up at 127.0.0.1:${port} in ${Date.now() - started} ms (pid ${child.pid})`);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A table laid out as the construct creates it (key `pk`, on-demand, the user index), for an engine
 * without CloudFormation. Time to live is left off: see test/store/engine.ts for why.
 */
export async function createServiceTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
        { AttributeName: USER_INDEX.partitionKey, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: USER_INDEX.name,
          KeySchema: [{ AttributeName: USER_INDEX.partitionKey, KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...USER_INDEX.projected] },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
