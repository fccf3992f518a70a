import { describe, expect, it } from 'vitest';
import { buildAlertMessage } from '../../lambdas/core/alert-message.ts';
import { FindingMessageError, parseFindingMessage } from '../../lambdas/ticketing/finding-message.ts';
import { sampleFinding } from '../support/findings.ts';

describe('parseFindingMessage', () => {
  const finding = sampleFinding();

  it('reads the finding from an SNS envelope (raw message delivery off)', () => {
    const body = JSON.stringify({ Type: 'Notification', MessageId: 'x', Message: JSON.stringify(finding) });
    expect(parseFindingMessage(body)).toEqual(finding);
  });

  it('reads the finding from a raw message', () => {
    expect(parseFindingMessage(JSON.stringify(finding))).toEqual(finding);
  });

  it('reads what the SNS sink publishes for queues', () => {
    const json = buildAlertMessage(finding).json;
    expect(parseFindingMessage(JSON.stringify({ Type: 'Notification', Message: json }))).toEqual(finding);
  });

  it('rejects a body that is not JSON', () => {
    expect(() => parseFindingMessage('not json')).toThrow(
      new FindingMessageError('the message body is not JSON'),
    );
  });

  it('names the fields that are wrong, not their values', () => {
    const broken = {
      ...finding,
      severity: 'urgent',
      evidence: { customer_note: { nested: 'Ada Lovelace' } },
    };
    const error = (() => {
      try {
        parseFindingMessage(JSON.stringify(broken));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(FindingMessageError);
    expect(error?.message).toMatch(/^the message is not a finding: severity: .*; evidence\.customer_note: /);
    expect(error?.message).not.toContain('Ada Lovelace');
    expect(error?.message).not.toContain('urgent');
  });
});
