/**
 * The detection pipeline's state in DynamoDB: watermarks and leases, dedup claims, and the
 * ticketing Lambda's idempotency records. Losing them re-runs detectors from their initial
 * backfill and may file tickets twice, so they are retained, point-in-time recoverable and live
 * in the stateful stack. Key shapes are the runtime's (lambdas/stores/dynamodb-state-store.ts,
 * Powertools idempotency); expired items are removed by TTL.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface DetectionStateProps {
  /**
   * What stack deletion does to the tables.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Days of point-in-time recovery (1–35).
   * @default 35
   */
  readonly recoveryPeriodInDays?: number;
}

export class DetectionState extends Construct {
  /** Watermarks (`watermark#<id>`) and leases (`lease#<id>`); key `pk`, TTL `expires_at`. */
  public readonly stateTable: dynamodb.Table;
  /** Dedup claims (`dedup#<detector>#<actor>`); key `pk`, TTL `expires_at`. */
  public readonly dedupTable: dynamodb.Table;
  /** Ticketing idempotency records (Powertools); key `id`, TTL `expiration`. */
  public readonly idempotencyTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DetectionStateProps = {}) {
    super(scope, id);
    const recoveryPeriodInDays = props.recoveryPeriodInDays ?? 35;
    if (!Number.isInteger(recoveryPeriodInDays) || recoveryPeriodInDays < 1 || recoveryPeriodInDays > 35) {
      throw new Error(`DetectionState: recoveryPeriodInDays (${recoveryPeriodInDays}) must be 1–35`);
    }
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // AWS managed key: encrypted at rest and logged in CloudTrail, with no key policy to keep in step.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays },
      deletionProtection: (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    };
    this.stateTable = new dynamodb.Table(this, 'StateTable', {
      ...common,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expires_at',
    });
    this.dedupTable = new dynamodb.Table(this, 'DedupTable', {
      ...common,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expires_at',
    });
    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      ...common,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
    });
  }
}
