/** Shapes of the ARNs auditlake is configured with, checked where the configuration is read. */

/** An SNS topic ARN (standard or FIFO). */
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+(\.fifo)?$/;
