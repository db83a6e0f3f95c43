import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { emulatorAwsEnv } from '../../scripts/local/deploy';
import { deployment } from './client';
import { scanGroups } from './log-scan';

/**
 * The log scan itself: a clean result is worth something only if it read every line. A busy group
 * (two streams, 16,000 lines) gets one planted secret on its line 15,000.
 */
describe('the log scan', () => {
  it('reads every stream of a busy group to its end and finds a leak planted on line 15,000', async () => {
    const { endpoint } = deployment();
    const env = emulatorAwsEnv(endpoint);
    const logs = new CloudWatchLogsClient({ endpoint, region: env.AWS_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const group = `/magic-link-it/scan-probe-${process.pid}-${Date.now()}`;
    const planted = `planted-secret-${process.pid}-${Date.now()}`;
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      const now = Date.now();
      let line = 0;
      for (const stream of ['first', 'second']) {
        await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
        // 8,000 lines per stream, in PutLogEvents batches of at most 10,000 events.
        for (let batch = 0; batch < 2; batch++) {
          const events = Array.from({ length: 4_000 }, () => {
            line += 1;
            return { timestamp: now + line, message: line === 15_000 ? `{"level":"INFO","note":"${planted}"}` : `{"level":"INFO","line":${line}}` };
          });
          await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: events }));
        }
      }
      const result = await scanGroups(endpoint, new Set([planted]), [group]);
      expect(result.lines).toBe(16_000);
      expect(result.leaks).toEqual([expect.stringContaining(`${planted} in line 15000`)]);
    } finally {
      logs.destroy();
    }
  }, 60_000);
});
