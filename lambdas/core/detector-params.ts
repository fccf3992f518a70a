/**
 * The parameter values a detector runs with: header defaults, overridden by configuration, plus
 * the built-ins of the window. Overrides must keep the type of the header default.
 */
import type { Detector } from './detector.ts';
import { ConfigError } from './errors.ts';
import type { ParamValue, ParamValues } from './sql-params.ts';
import { type TimeWindow, windowParams } from './windows.ts';

export type ParamOverrides = Readonly<Record<string, Readonly<Record<string, ParamValue>>>>;

export function paramsForWindow(
  detector: Detector,
  window: TimeWindow,
  overrides: ParamOverrides = {},
): ParamValues {
  return {
    ...detector.params,
    ...checkedOverrides(detector, overrides[detector.id] ?? {}),
    ...windowParams(window, detector.lookbackMs),
  };
}

function checkedOverrides(detector: Detector, values: Readonly<Record<string, ParamValue>>): ParamValues {
  for (const [name, value] of Object.entries(values)) {
    const current = detector.params[name];
    if (current === undefined) {
      const known = Object.keys(detector.params).join(', ') || 'none';
      throw new ConfigError(`${detector.id}: unknown parameter "${name}" (its parameters: ${known})`);
    }
    if (kindOf(current) !== kindOf(value)) {
      throw new ConfigError(
        `${detector.id}: parameter "${name}" must be a ${kindOf(current)}, got ${kindOf(value)}`,
      );
    }
  }
  return values;
}

function kindOf(value: ParamValue): string {
  if (Array.isArray(value)) return `list of ${typeof value[0]}`;
  if (value instanceof Date) return 'timestamp';
  return typeof value;
}

/**
 * Parses `detector.name=value` command-line overrides; the value's type follows the header
 * default (numbers, true/false, comma-separated lists).
 */
export function parseParamOverrides(
  detectors: readonly Detector[],
  specs: readonly string[],
): ParamOverrides {
  const overrides: Record<string, Record<string, ParamValue>> = {};
  for (const spec of specs) {
    const match = /^([a-z0-9-]+)\.([a-z][a-z0-9_]*)=(.*)$/s.exec(spec);
    if (!match) throw new ConfigError(`--param "${spec}": expected detector-id.name=value`);
    const [, id, name, text] = match as unknown as [string, string, string, string];
    const detector = detectors.find((candidate) => candidate.id === id);
    if (!detector) throw new ConfigError(`--param "${spec}": no detector "${id}"`);
    const current = detector.params[name];
    if (current === undefined) throw new ConfigError(`--param "${spec}": ${id} has no parameter "${name}"`);
    overrides[id] = { ...overrides[id], [name]: coerce(spec, current, text) };
  }
  return overrides;
}

function coerce(spec: string, like: ParamValue, text: string): ParamValue {
  const number = (item: string) => {
    const value = Number(item);
    if (item.trim() === '' || !Number.isFinite(value))
      throw new ConfigError(`--param "${spec}": "${item}" is not a number`);
    return value;
  };
  if (typeof like === 'number') return number(text);
  if (typeof like === 'boolean') {
    if (text !== 'true' && text !== 'false')
      throw new ConfigError(`--param "${spec}": expected true or false`);
    return text === 'true';
  }
  if (Array.isArray(like)) {
    const items = text.split(',').map((item) => item.trim());
    return typeof like[0] === 'number' ? items.map(number) : items;
  }
  return text;
}
