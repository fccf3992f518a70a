/** A Lambda context for handler tests, with a fixed amount of time left. */
import type { Context } from 'aws-lambda';

export function lambdaContext(requestId = 'req-1', remainingMs = 600_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'auditlake-detector',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:auditlake-detector',
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/auditlake-detector',
    logStreamName: '2026/01/01/[$LATEST]abc',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
