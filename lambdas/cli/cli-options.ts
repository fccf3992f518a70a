/** Parsing of command-line values into typed options; each failure names the option. */
import { parseDuration } from '../core/duration.ts';
import { ConfigError } from '../core/errors.ts';

/** `2026-01-31` (UTC midnight) or an ISO-8601 time with `Z` or an offset. */
export function parseTimeOption(option: string, text: string): Date {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
  const value = new Date(dateOnly ? `${text}T00:00:00Z` : text);
  if ((!dateOnly && !zoned) || Number.isNaN(value.getTime())) {
    throw new ConfigError(
      `${option} "${text}": expected a date like 2026-01-31 or a time like 2026-01-31T09:00:00Z`,
    );
  }
  return value;
}

export function parseDurationOption(option: string, text: string): number {
  if (/^0[mhdw]?$/.test(text)) return 0;
  const value = parseDuration(text);
  if (value === undefined)
    throw new ConfigError(`${option} "${text}": expected a duration like 15m, 1h or 7d`);
  return value;
}

export function parseCountOption(option: string, text: string, min = 1, max = 1_000_000): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(`${option} "${text}": expected a whole number from ${min} to ${max}`);
  }
  return value;
}
