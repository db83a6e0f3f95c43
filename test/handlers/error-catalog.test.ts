import { ERROR_CODES } from '../../lambdas/contract/errors';
import { expectError } from '../fixtures/assertions';
import { resetAws, scenarios } from '../fixtures/error-scenarios';

beforeEach(resetAws);

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
