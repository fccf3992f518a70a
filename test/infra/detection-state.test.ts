import { describe, expect, it } from 'vitest';
import { DetectionState } from '../../infra/constructs/detection-state.ts';
import { constructStack, logicalIdOf, Template } from './support/infra-app.ts';

function synth() {
  const stack = constructStack();
  const state = new DetectionState(stack, 'State');
  return { state, template: Template.fromStack(stack) };
}

describe('DetectionState', () => {
  it.each([
    ['stateTable', 'pk', 'expires_at'],
    ['dedupTable', 'pk', 'expires_at'],
    ['idempotencyTable', 'id', 'expiration'],
  ] as const)('keys the %s as the runtime expects and expires items by TTL', (table, key, ttl) => {
    const { state, template } = synth();
    const properties = template.toJSON().Resources[logicalIdOf(state[table])].Properties;

    expect(properties.KeySchema).toEqual([{ AttributeName: key, KeyType: 'HASH' }]);
    expect(properties.TimeToLiveSpecification).toEqual({ AttributeName: ttl, Enabled: true });
  });

  it('encrypts every table, recovers it to any point in 35 days and protects it from deletion', () => {
    const { template } = synth();

    template.allResourcesProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
      DeletionProtectionEnabled: true,
    });
  });

  it('refuses a recovery period DynamoDB does not offer', () => {
    expect(() => new DetectionState(constructStack(), 'State', { recoveryPeriodInDays: 90 })).toThrow(
      /recoveryPeriodInDays \(90\) must be 1–35/,
    );
  });
});
