import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { emulatorAwsEnv } from '../../scripts/local/deploy';

/**
 * Every line in a deployed function's log group, read stream by stream (GetLogEvents to the end of
 * each, not FilterLogEvents, which an emulator may cut short): the runtime writes one
 * `START RequestId:` line per invocation, and what the function logged.
 */
export async function logGroupLines(endpoint: string, logGroupName: string): Promise<string[]> {
  const env = emulatorAwsEnv(endpoint);
  const logs = new CloudWatchLogsClient({ endpoint, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
  try {
    const lines: string[] = [];
    let streamsToken: string | undefined;
    do {
      const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName, nextToken: streamsToken }));
      for (const stream of streams.logStreams ?? []) {
        let token: string | undefined;
        for (;;) {
          const page = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName: stream.logStreamName, startFromHead: true, nextToken: token }));
          lines.push(...(page.events ?? []).map((event) => event.message ?? ''));
          if (!page.nextForwardToken || page.nextForwardToken === token || (page.events ?? []).length === 0) break;
          token = page.nextForwardToken;
        }
      }
      streamsToken = streams.nextToken;
    } while (streamsToken);
    return lines;
  } catch (error) {
    // No invocation yet: no log group yet.
    if ((error as Error).name === 'ResourceNotFoundException') return [];
    throw error;
  } finally {
    logs.destroy();
  }
}
