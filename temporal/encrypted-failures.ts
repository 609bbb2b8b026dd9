// The failure converter of every worker and client when payloads are encrypted: it moves an
// error's message and stack trace into a payload (encodeCommonAttributes), so the payload
// codec encrypts them too — failure messages can quote an INI line, a path or a program's
// output. Loaded by path (the SDK requires it, and bundles it into the workflow sandbox), so
// this module imports nothing but @temporalio/common.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
