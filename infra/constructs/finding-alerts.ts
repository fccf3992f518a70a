/**
 * Where findings are raised: a KMS-encrypted SNS topic the detector Lambda publishes to (one
 * message per finding, attributes `severity`, `severity_rank` and `detector_id`), and an email
 * subscription per recipient that only lets findings at or above the recipient's minimum
 * severity through. Emails get the plain-text body of the message, queues the finding JSON.
 */
import { createHash } from 'node:crypto';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { severityRank } from '../../lambdas/core/alert-message.ts';
import { SEVERITIES, type Severity } from '../../lambdas/core/detector.ts';

export interface AlertRecipient {
  readonly address: string;
  /** Findings below this severity are not sent to this address. */
  readonly minSeverity: Severity;
}

export interface FindingAlertsProps {
  /**
   * Email recipients; each must confirm the subscription email AWS sends.
   * @default none
   */
  readonly recipients?: readonly AlertRecipient[];
  /**
   * Encrypts the topic.
   * @default a new customer-managed key with rotation
   */
  readonly key?: kms.IKey;
}

/** The SNS filter policy that passes findings of `minSeverity` and above. */
export function severityFilterPolicy(minSeverity: Severity): Record<string, sns.SubscriptionFilter> {
  const rank = severityRank(minSeverity);
  return {
    severity_rank: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: rank }),
    severity: sns.SubscriptionFilter.stringFilter({
      allowlist: SEVERITIES.filter((severity) => severityRank(severity) >= rank),
    }),
  };
}

export class FindingAlerts extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.IKey;
  public readonly emailSubscriptions: readonly sns.Subscription[];

  constructor(scope: Construct, id: string, props: FindingAlertsProps = {}) {
    super(scope, id);
    const recipients = props.recipients ?? [];
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const recipient of recipients) {
      const address = recipient.address.toLowerCase();
      if (seen.has(address)) problems.push(`${recipient.address} is listed twice`);
      if (!/^[^@\s]+@[^@\s]+$/.test(address)) problems.push(`${recipient.address} is not an email address`);
      seen.add(address);
    }
    if (problems.length > 0) throw new Error(`FindingAlerts: ${problems.join('; ')}`);

    this.key =
      props.key ??
      new kms.Key(this, 'Key', { description: 'auditlake: findings topic', enableKeyRotation: true });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'auditlake findings',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.emailSubscriptions = recipients.map(
      (recipient) =>
        new sns.Subscription(this, `Email${addressId(recipient.address)}`, {
          topic: this.topic,
          protocol: sns.SubscriptionProtocol.EMAIL,
          endpoint: recipient.address,
          filterPolicy: severityFilterPolicy(recipient.minSeverity),
        }),
    );
  }
}

/** A construct id per address that does not move when the list is reordered. */
export function addressId(address: string): string {
  return createHash('sha256').update(address.toLowerCase()).digest('hex').slice(0, 12);
}
