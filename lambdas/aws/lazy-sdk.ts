/**
 * The S3 and SNS SDK packages, imported on first use instead of at cold start. They are the
 * costliest of the SDK to load, and most detector runs neither find anything nor build rollups,
 * so they never need them. Only types are imported statically from these packages elsewhere.
 */
export function s3Sdk(): Promise<typeof import('@aws-sdk/client-s3')> {
  return import('@aws-sdk/client-s3');
}

export function snsSdk(): Promise<typeof import('@aws-sdk/client-sns')> {
  return import('@aws-sdk/client-sns');
}
