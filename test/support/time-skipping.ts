// Temporal's time-skipping test server for one test file: timers fire as soon as nothing else
// is pending, so a poll loop that backs off to minutes runs in moments.
//   const env = await startTimeSkipping();
//   after(() => env.teardown());
// The server is the Java build from Maven Central that scripts/ensure-temporal-test-server.sh
// installs (the SDK's own download needs temporal.download; see docs/testing.md).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';

const ensureScript = fileURLToPath(new URL('../../scripts/ensure-temporal-test-server.sh', import.meta.url));

export function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  // Prints the launcher's path; installs it first when missing (and says so on stderr).
  const path = execFileSync('bash', [ensureScript], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
}
