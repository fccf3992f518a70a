import { describe, expect, it } from 'vitest';
import { FixtureTimeError, parseFixtureTime } from '../../lambdas/fixtures/fixture-time.ts';

const run = { from: new Date('2026-03-17T02:00:00Z'), to: new Date('2026-03-17T03:00:00Z') };
const at = (text: string) => parseFixtureTime(text, run).toISOString();

describe('fixture case times', () => {
  it('reads run.from and run.to as the range of the case', () => {
    expect(at('run.from')).toBe('2026-03-17T02:00:00.000Z');
    expect(at('run.to')).toBe('2026-03-17T03:00:00.000Z');
  });

  it('adds and subtracts steps in seconds, minutes, hours, days and weeks', () => {
    expect(at('run.from+10m')).toBe('2026-03-17T02:10:00.000Z');
    expect(at('run.to-30s')).toBe('2026-03-17T02:59:30.000Z');
    expect(at('run.from-3d')).toBe('2026-03-14T02:00:00.000Z');
    expect(at('run.from+1w-1h')).toBe('2026-03-24T01:00:00.000Z');
  });

  it('sets the UTC time of day with @HH:MM after the steps', () => {
    expect(at('run.from-3d@10:00')).toBe('2026-03-14T10:00:00.000Z');
    expect(at('run.from@23:59:30')).toBe('2026-03-17T23:59:30.000Z');
  });

  it('reads ISO times with Z or an offset, and dates as UTC midnight', () => {
    expect(at('2026-03-17T03:10:00+01:00')).toBe('2026-03-17T02:10:00.000Z');
    expect(at('2026-03-17T02:10:00.5Z')).toBe('2026-03-17T02:10:00.500Z');
    expect(at('2026-03-17')).toBe('2026-03-17T00:00:00.000Z');
  });

  it('refuses +HH:MM after an anchor as ambiguous and points to @HH:MM or +10h', () => {
    expect(() => at('run.from-3d+10:00')).toThrow(
      '"run.from-3d+10:00": +HH:MM is ambiguous; write @HH:MM for that UTC time of day, or a step like +10h',
    );
  });

  it('refuses an ISO time without a zone instead of guessing one', () => {
    expect(() => at('2026-03-17T02:10:00')).toThrow('has no Z or offset');
  });

  it('refuses dates and clock times that do not exist', () => {
    expect(() => at('2026-02-30T00:00:00Z')).toThrow('is not a real calendar date and time');
    expect(() => at('run.from@24:00')).toThrow('is not a time of day');
  });

  it('refuses an anchor that is not known where the time is read', () => {
    expect(() => parseFixtureTime('run.to-1h', { from: run.from })).toThrow('run.to cannot be used here');
  });

  it('names the grammar when a text is not a time at all', () => {
    expect(() => at('yesterday')).toThrow(FixtureTimeError);
    expect(() => at('run.form+1h')).toThrow(/is not a time: write run\.from or run\.to with \+\/- steps/);
  });
});
