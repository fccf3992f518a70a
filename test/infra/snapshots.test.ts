/**
 * One snapshot per stack, built from the fixture queries so that detector work elsewhere does not
 * churn them; asset hashes are normalized. A snapshot change is a reviewable diff of the
 * templates: update with `npx vitest run test/infra -u` once the change is intended.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAuditlakeApp, normalizedTemplate, Template, type TestApp } from './support/infra-app.ts';

let built: TestApp;
beforeAll(async () => {
  built = await buildAuditlakeApp({
    config: {
      alertEmails: [{ address: 'secops@example.com', minSeverity: 'high' }],
      opsEmails: ['platform@example.com'],
    },
  });
});

describe('templates', () => {
  it('of the lake stack match the snapshot', () => {
    expect(normalizedTemplate(Template.fromStack(built.lake))).toMatchSnapshot();
  });

  it('of the detection stack match the snapshot', () => {
    expect(normalizedTemplate(Template.fromStack(built.detection))).toMatchSnapshot();
  });
});
