/**
 * The one Logger and Metrics of every auditlake Lambda, created once per execution environment
 * and imported by handlers (never built inside one). Neither reads anything at import that a test
 * must set first: Powertools picks up POWERTOOLS_* / AWS_LAMBDA_* variables itself when present
 * and falls back to the values below.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const SERVICE_NAME = 'auditlake';
export const METRICS_NAMESPACE = 'auditlake';

export const logger = new Logger({ serviceName: SERVICE_NAME });

export const metrics = new Metrics({ serviceName: SERVICE_NAME, namespace: METRICS_NAMESPACE });
