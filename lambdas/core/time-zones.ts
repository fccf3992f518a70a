/**
 * UTC offsets of IANA time zones, from the Intl time-zone database that ships with Node: no
 * offset table to keep, daylight saving included. One cached formatter per zone, because
 * building an Intl.DateTimeFormat costs far more than using one.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws a RangeError for a name Intl does not know. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True if Intl knows `timeZone` as an IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at instant `at`, in ms (New York in January: −5 h), to the second. */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(at))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/**
 * The zone's offset at local wall-clock time `wall` (ms, read as if it were UTC): guess with the
 * offset at `wall` as an instant, then take the offset at the guessed instant. Two steps settle
 * every time except those in the gap or overlap hour of a DST change.
 */
export function wallClockOffsetMs(wall: number, timeZone: string): number {
  return zoneOffsetMs(wall - zoneOffsetMs(wall, timeZone), timeZone);
}
