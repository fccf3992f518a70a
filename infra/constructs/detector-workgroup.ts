/**
 * The Athena workgroup detectors (and analysts) query in: engine v3, its configuration enforced
 * so no client can turn off result encryption or the scan cutoff, results KMS-encrypted in the
 * results bucket, and CloudWatch metrics on.
 */
import { Names, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MIN_BYTES_SCANNED_CUTOFF } from '../config/auditlake-config.ts';
import { ATHENA_RESULTS_PREFIX } from './lake-layout.ts';

export interface DetectorWorkgroupProps {
  readonly resultsBucket: s3.IBucket;
  /** Encrypts query results (SSE-KMS). */
  readonly key: kms.IKey;
  /**
   * Athena cancels a query that would scan more bytes than this (at least 10 MB).
   * @default 10_000_000_000 (10 GB)
   */
  readonly bytesScannedCutoffPerQuery?: number;
}

export class DetectorWorkgroup extends Construct {
  public readonly workGroup: athena.CfnWorkGroup;
  /** Generated from the construct path. */
  public readonly workGroupName: string;
  public readonly workGroupArn: string;
  /** `s3://<results bucket>/athena/` */
  public readonly outputLocation: string;

  constructor(scope: Construct, id: string, props: DetectorWorkgroupProps) {
    super(scope, id);
    const cutoff = props.bytesScannedCutoffPerQuery ?? 10_000_000_000;
    if (!Number.isInteger(cutoff) || cutoff < MIN_BYTES_SCANNED_CUTOFF) {
      throw new Error(
        `DetectorWorkgroup: bytesScannedCutoffPerQuery (${cutoff}) must be a whole number of at least ${MIN_BYTES_SCANNED_CUTOFF}`,
      );
    }
    const stack = Stack.of(this);
    this.workGroupName = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    this.outputLocation = `s3://${props.resultsBucket.bucketName}/${ATHENA_RESULTS_PREFIX}`;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'auditlake detectors: engine v3, encrypted results, scan cutoff',
      state: 'ENABLED',
      // Query history goes with the workgroup; results stay in the bucket until they expire.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoff,
        requesterPaysEnabled: false,
        resultConfiguration: {
          outputLocation: this.outputLocation,
          expectedBucketOwner: stack.account,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
        },
      },
    });
    this.workGroupArn = stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: this.workGroupName,
    });
  }
}
