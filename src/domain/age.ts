export interface CalendarDate {
  y: number;
  m: number;
  d: number;
}

export type InfantAge =
  | { kind: 'unborn'; daysToEdd: number }
  | { kind: 'edd-passed'; daysSinceEdd: number }
  | { kind: 'future-birth' }
  | { kind: 'under-two'; months: number; weeks: number; days: number }
  | { kind: 'two-or-over'; years: number; months: number };

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/**
 * Parses a strict ISO calendar date ("YYYY-MM-DD", zero-padded, no time part).
 * Returns undefined for impossible dates such as 2025-02-30 or 2025-13-01.
 */
export function parseIsoDate(s: string): CalendarDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!match) return undefined;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12) return undefined;
  if (d < 1 || d > daysInMonth(y, m)) return undefined;
  return { y, m, d };
}

function requireDate(s: string): CalendarDate {
  const date = parseIsoDate(s);
  if (!date) throw new RangeError(`Not an ISO calendar date (YYYY-MM-DD): ${JSON.stringify(s)}`);
  return date;
}

function toIso({ y, m, d }: CalendarDate): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// Day count from 1970-01-01 without Date, which would treat years 0-99 as 1900-1999
// (Howard Hinnant's days_from_civil).
function toEpochDay({ y, m, d }: CalendarDate): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// The inverse of toEpochDay (Howard Hinnant's civil_from_days).
function fromEpochDay(z0: number): CalendarDate {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

// A day that does not exist in the target month rolls to the 1st of the next
// month, matching the UK rule that a 29 February birthday is reached on 1 March.
function addMonthsTo(date: CalendarDate, months: number): CalendarDate {
  const index = date.y * 12 + (date.m - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  if (date.d <= daysInMonth(y, m)) return { y, m, d: date.d };
  return m === 12 ? { y: y + 1, m: 1, d: 1 } : { y, m: m + 1, d: 1 };
}

function compareDates(a: CalendarDate, b: CalendarDate): number {
  return Math.sign(toEpochDay(a) - toEpochDay(b));
}

function completedMonths(from: CalendarDate, to: CalendarDate): number {
  let months = (to.y - from.y) * 12 + (to.m - from.m);
  if (compareDates(addMonthsTo(from, months), to) > 0) months--;
  return months;
}

/**
 * Adds whole years to an ISO date. 29 February plus years landing in a
 * non-leap year gives 1 March, the date a person born on 29 February attains
 * that age in the UK.
 *
 * @throws RangeError if `date` is not a valid ISO calendar date.
 */
export function addYears(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`Years must be a whole number: ${n}`);
  return toIso(addMonthsTo(requireDate(date), n * 12));
}

/**
 * Orders two ISO dates: negative if `a` is earlier, 0 if equal, positive if later.
 *
 * @throws RangeError if either argument is not a valid ISO calendar date.
 */
export function compareIsoDates(a: string, b: string): -1 | 0 | 1 {
  return compareDates(requireDate(a), requireDate(b)) as -1 | 0 | 1;
}

/**
 * Whole days from `a` to `b`; positive when `b` is later than `a`.
 *
 * @throws RangeError if either argument is not a valid ISO calendar date.
 */
export function daysBetween(a: string, b: string): number {
  return toEpochDay(requireDate(b)) - toEpochDay(requireDate(a));
}

/**
 * The ISO date `n` days after `date` (before it when negative).
 *
 * @throws RangeError if `date` is not a valid ISO calendar date.
 */
export function addDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`Days must be a whole number: ${n}`);
  return toIso(fromEpochDay(toEpochDay(requireDate(date)) + n));
}

/** One formatter per time zone, built on first use: todayInTimeZone runs on every turn. */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();
/**
 * The last answer per time zone and the minute it was for. A local date changes only on a whole minute
 * (every zone's offset since 1972 is whole minutes), so within one minute the answer cannot change.
 */
const LAST_TODAY = new Map<string, { minute: number; date: string }>();

/**
 * The calendar date (ISO "YYYY-MM-DD") that a wall clock in `timeZone` shows at `now`.
 * Ages must be worked out on the practitioner's local date, not the server's UTC date.
 *
 * @throws RangeError for an invalid Date or an unknown time zone.
 */
export function todayInTimeZone(now: Date, timeZone = 'Europe/London'): string {
  const minute = Math.floor(now.getTime() / 60_000);
  const last = LAST_TODAY.get(timeZone);
  if (last && last.minute === minute) return last.date;
  const date = formatToday(now, timeZone);
  LAST_TODAY.set(timeZone, { minute, date });
  return date;
}

function formatToday(now: Date, timeZone: string): string {
  let format = DATE_FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      calendar: 'iso8601',
      numberingSystem: 'latn',
    });
    DATE_FORMATS.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes): number => {
    const value = parts.find((p) => p.type === type)?.value;
    if (value === undefined) throw new RangeError(`Intl did not produce a ${type} for ${timeZone}`);
    return Number(value);
  };
  return toIso({ y: part('year'), m: part('month'), d: part('day') });
}

/**
 * Describes an infant's age on `onDate` from either the expected date of
 * delivery (`born: false`) or the date of birth (`born: true`).
 *
 * - `unborn`: EDD is today or later; `daysToEdd` may be 0.
 * - `edd-passed`: EDD is in the past, so the baby may have been born and the
 *   practitioner must check.
 * - `future-birth`: a date of birth after `onDate`, which is invalid input.
 * - `under-two`: before the 2nd birthday. `months` counts completed calendar
 *   months; `weeks` and `days` are the total completed weeks and days since birth.
 * - `two-or-over`: on or after the 2nd birthday; `years` completed, plus the
 *   completed `months` (0-11) since the last birthday.
 *
 * @throws RangeError if either date is not a valid ISO calendar date.
 */
export function describeInfantAge(input: { born: boolean; date: string }, onDate: string): InfantAge {
  const date = requireDate(input.date);
  const on = requireDate(onDate);
  const days = toEpochDay(on) - toEpochDay(date);

  if (!input.born) {
    return days <= 0
      ? { kind: 'unborn', daysToEdd: Math.abs(days) }
      : { kind: 'edd-passed', daysSinceEdd: days };
  }
  if (days < 0) return { kind: 'future-birth' };

  const months = completedMonths(date, on);
  if (compareDates(on, addMonthsTo(date, 24)) < 0) {
    return { kind: 'under-two', months, weeks: Math.floor(days / 7), days };
  }
  return { kind: 'two-or-over', years: Math.floor(months / 12), months: months % 12 };
}

/**
 * Formats an ISO date the way UK NHS letters do: "1 March 2026".
 *
 * @throws RangeError if `date` is not a valid ISO calendar date.
 */
export function formatUkDate(date: string): string {
  const { y, m, d } = requireDate(date);
  return `${d} ${MONTH_NAMES[m - 1]} ${y}`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * The infant's date as a person should read it back, with what it implies on `onDate`, so a date the
 * client misread (a US-order 03/05 becoming 5 March) is seen at once: "3 May 2026: 6 months old today",
 * "due 14 January 2027: antenatal". A value that is not a calendar date is returned as typed.
 */
export function describeInfantDate(input: { born: boolean; date: string }, onDate: string): string {
  if (!parseIsoDate(input.date) || !parseIsoDate(onDate)) return input.date;
  const uk = formatUkDate(input.date);
  const age = describeInfantAge(input, onDate);
  switch (age.kind) {
    case 'unborn':
      return `due ${uk}: antenatal`;
    case 'edd-passed':
      return `due ${uk}: this date has passed; is the baby born?`;
    case 'future-birth':
      return `${uk}: this is in the future; please check it`;
    case 'under-two': {
      if (age.days === 0) return `${uk}: born today`;
      const old =
        age.months > 0
          ? plural(age.months, 'month')
          : age.weeks > 0
            ? plural(age.weeks, 'week')
            : plural(age.days, 'day');
      return `${uk}: ${old} old today`;
    }
    case 'two-or-over':
      return `${uk}: ${plural(age.years, 'year')}${age.months ? ` ${plural(age.months, 'month')}` : ''} old today (over 2)`;
  }
}
