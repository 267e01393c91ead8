import { expect, test } from 'vitest';
import {
  addYears,
  compareIsoDates,
  daysBetween,
  describeInfantAge,
  describeInfantDate,
  formatUkDate,
  type InfantAge,
  parseIsoDate,
  todayInTimeZone,
} from '../../src/domain/age';

test.each([
  ['2025-06-15', { y: 2025, m: 6, d: 15 }],
  ['2024-02-29', { y: 2024, m: 2, d: 29 }],
  ['2000-02-29', { y: 2000, m: 2, d: 29 }],
  ['2025-12-31', { y: 2025, m: 12, d: 31 }],
  ['2025-04-30', { y: 2025, m: 4, d: 30 }],
])('parseIsoDate(%j) parses', (input, expected) => {
  expect(parseIsoDate(input)).toEqual(expected);
});

test.each([
  ['2025-02-30', 'no 30 February'],
  ['2025-02-29', 'not a leap year'],
  ['1900-02-29', 'century that is not a leap year'],
  ['2025-04-31', 'April has 30 days'],
  ['2025-13-01', 'month 13'],
  ['2025-00-10', 'month 0'],
  ['2025-01-00', 'day 0'],
  ['2025-1-05', 'month not padded'],
  ['2025-01-5', 'day not padded'],
  ['25-01-05', 'two-digit year'],
  ['2025/01/05', 'slashes'],
  ['05/01/2025', 'UK order'],
  ['2025-01-05T00:00:00Z', 'has a time'],
  [' 2025-01-05', 'leading space'],
  ['', 'empty'],
])('parseIsoDate rejects %j (%s)', (input) => {
  expect(parseIsoDate(input)).toBeUndefined();
});

test.each([
  ['2024-02-29', 1, '2025-03-01'],
  ['2024-02-29', 2, '2026-03-01'],
  ['2024-02-29', 4, '2028-02-29'],
  ['2024-02-29', -1, '2023-03-01'],
  ['2000-02-29', 100, '2100-03-01'],
  ['2023-03-15', 2, '2025-03-15'],
  ['2024-12-31', 1, '2025-12-31'],
  ['2024-01-01', 0, '2024-01-01'],
])('addYears(%j, %i) is %j', (date, n, expected) => {
  expect(addYears(date, n)).toBe(expected);
});

test.each([
  ['2025-01-01', '2025-01-02', -1],
  ['2025-01-02', '2025-01-01', 1],
  ['2025-03-01', '2025-03-01', 0],
  ['2024-12-31', '2025-01-01', -1],
  ['2025-10-01', '2025-09-30', 1],
])('compareIsoDates(%j, %j) is %i', (a, b, expected) => {
  expect(compareIsoDates(a, b)).toBe(expected);
});

test.each([
  ['2025-01-01', '2025-01-02', 1],
  ['2025-01-02', '2025-01-01', -1],
  ['2025-06-15', '2025-06-15', 0],
  ['2024-02-28', '2024-03-01', 2],
  ['2025-02-28', '2025-03-01', 1],
  ['2024-01-01', '2025-01-01', 366],
  ['2025-01-01', '2026-01-01', 365],
  ['1999-12-31', '2000-01-01', 1],
  ['2000-01-01', '2100-01-01', 36525],
])('daysBetween(%j, %j) is %i', (a, b, expected) => {
  expect(daysBetween(a, b)).toBe(expected);
});

test('daysBetween agrees with Date.UTC across a range of dates', () => {
  const dayMs = 86_400_000;
  for (let t = Date.UTC(1995, 0, 1); t < Date.UTC(2035, 0, 1); t += 37 * dayMs) {
    const iso = new Date(t).toISOString().slice(0, 10);
    expect(daysBetween('1970-01-01', iso), iso).toBe(t / dayMs);
  }
});

test.each([
  ['compareIsoDates', () => compareIsoDates('2025-02-30', '2025-03-01')],
  ['daysBetween', () => daysBetween('2025-01-01', '2025-1-2')],
  ['addYears', () => addYears('2025-13-01', 1)],
  ['addYears fractional', () => addYears('2025-01-01', 0.5)],
  ['formatUkDate', () => formatUkDate('1 March 2026')],
  ['describeInfantAge date', () => describeInfantAge({ born: true, date: '2025-02-30' }, '2025-03-01')],
  ['describeInfantAge onDate', () => describeInfantAge({ born: true, date: '2025-02-01' }, 'today')],
])('%s throws RangeError on an invalid date', (_name, call) => {
  expect(call).toThrow(RangeError);
});

test.each([
  ['2025-06-30T22:59:00Z', 'Europe/London', '2025-06-30'],
  ['2025-06-30T23:30:00Z', 'Europe/London', '2025-07-01'],
  ['2025-12-31T23:30:00Z', 'Europe/London', '2025-12-31'],
  ['2025-03-29T23:30:00Z', 'Europe/London', '2025-03-29'],
  ['2025-03-30T00:30:00Z', 'Europe/London', '2025-03-30'],
  ['2025-03-30T23:30:00Z', 'Europe/London', '2025-03-31'],
  ['2025-10-25T23:30:00Z', 'Europe/London', '2025-10-26'],
  ['2025-10-26T23:30:00Z', 'Europe/London', '2025-10-26'],
  ['2025-06-30T23:30:00Z', 'UTC', '2025-06-30'],
  ['2025-06-30T14:30:00Z', 'Australia/Sydney', '2025-07-01'],
  ['2025-07-01T03:30:00Z', 'America/New_York', '2025-06-30'],
])('todayInTimeZone(%s, %s) is %s', (instant, timeZone, expected) => {
  expect(todayInTimeZone(new Date(instant), timeZone)).toBe(expected);
});

test.each([
  ['2025-06-30T23:30:00Z', '2025-07-01'],
  ['2025-01-15T23:30:00Z', '2025-01-15'],
])('todayInTimeZone defaults to London time: %s is %s', (instant, expected) => {
  expect(todayInTimeZone(new Date(instant))).toBe(expected);
});

test('todayInTimeZone remembers one minute only: the last millisecond before local midnight and the first after', () => {
  // the same minute again, then the next minute, in each of two zones that cross midnight at different times
  const before = new Date('2025-06-30T22:59:59.999Z'); // 23:59:59.999 in London
  const after = new Date('2025-06-30T23:00:00.000Z'); // 00:00 in London, still 30 June in UTC
  expect(todayInTimeZone(new Date('2025-06-30T22:59:00.000Z'))).toBe('2025-06-30');
  expect(todayInTimeZone(before)).toBe('2025-06-30');
  expect(todayInTimeZone(after)).toBe('2025-07-01');
  expect(todayInTimeZone(after, 'UTC')).toBe('2025-06-30');
  expect(todayInTimeZone(before)).toBe('2025-06-30');
  expect(() => todayInTimeZone(new Date(Number.NaN))).toThrow(RangeError);
});

test('todayInTimeZone rejects an unknown time zone', () => {
  expect(() => todayInTimeZone(new Date('2025-06-30T12:00:00Z'), 'Europe/Atlantis')).toThrow(RangeError);
});

test.each<[string, { born: boolean; date: string }, string, InfantAge]>([
  ['EDD today', { born: false, date: '2025-06-15' }, '2025-06-15', { kind: 'unborn', daysToEdd: 0 }],
  ['EDD tomorrow', { born: false, date: '2025-06-16' }, '2025-06-15', { kind: 'unborn', daysToEdd: 1 }],
  ['EDD in 11 weeks', { born: false, date: '2025-09-01' }, '2025-06-15', { kind: 'unborn', daysToEdd: 78 }],
  [
    'EDD yesterday',
    { born: false, date: '2025-06-14' },
    '2025-06-15',
    { kind: 'edd-passed', daysSinceEdd: 1 },
  ],
  [
    'EDD a leap year ago',
    { born: false, date: '2024-01-01' },
    '2025-01-01',
    { kind: 'edd-passed', daysSinceEdd: 366 },
  ],
  ['DOB tomorrow', { born: true, date: '2025-06-16' }, '2025-06-15', { kind: 'future-birth' }],
  [
    'born today',
    { born: true, date: '2025-06-15' },
    '2025-06-15',
    { kind: 'under-two', months: 0, weeks: 0, days: 0 },
  ],
  [
    'six days old',
    { born: true, date: '2025-06-09' },
    '2025-06-15',
    { kind: 'under-two', months: 0, weeks: 0, days: 6 },
  ],
  [
    'one week old',
    { born: true, date: '2025-06-08' },
    '2025-06-15',
    { kind: 'under-two', months: 0, weeks: 1, days: 7 },
  ],
  [
    '31 Jan DOB on 28 Feb',
    { born: true, date: '2025-01-31' },
    '2025-02-28',
    { kind: 'under-two', months: 0, weeks: 4, days: 28 },
  ],
  [
    '31 Jan DOB on 1 Mar',
    { born: true, date: '2025-01-31' },
    '2025-03-01',
    { kind: 'under-two', months: 1, weeks: 4, days: 29 },
  ],
  [
    '31 Jan DOB on 30 Mar',
    { born: true, date: '2025-01-31' },
    '2025-03-30',
    { kind: 'under-two', months: 1, weeks: 8, days: 58 },
  ],
  [
    '31 Jan DOB on 31 Mar',
    { born: true, date: '2025-01-31' },
    '2025-03-31',
    { kind: 'under-two', months: 2, weeks: 8, days: 59 },
  ],
  [
    '31 Mar DOB on 30 Apr',
    { born: true, date: '2024-03-31' },
    '2024-04-30',
    { kind: 'under-two', months: 0, weeks: 4, days: 30 },
  ],
  [
    'month boundary across new year, day before',
    { born: true, date: '2023-12-15' },
    '2024-01-14',
    { kind: 'under-two', months: 0, weeks: 4, days: 30 },
  ],
  [
    'month boundary across new year, on the day',
    { born: true, date: '2023-12-15' },
    '2024-01-15',
    { kind: 'under-two', months: 1, weeks: 4, days: 31 },
  ],
  [
    'day before 2nd birthday',
    { born: true, date: '2024-05-10' },
    '2026-05-09',
    { kind: 'under-two', months: 23, weeks: 104, days: 729 },
  ],
  [
    '2nd birthday',
    { born: true, date: '2024-05-10' },
    '2026-05-10',
    { kind: 'two-or-over', years: 2, months: 0 },
  ],
  [
    'day after 2nd birthday',
    { born: true, date: '2024-05-10' },
    '2026-05-11',
    { kind: 'two-or-over', years: 2, months: 0 },
  ],
  [
    '29 Feb DOB on 28 Feb two years later',
    { born: true, date: '2024-02-29' },
    '2026-02-28',
    { kind: 'under-two', months: 23, weeks: 104, days: 730 },
  ],
  [
    '29 Feb DOB on 1 Mar two years later',
    { born: true, date: '2024-02-29' },
    '2026-03-01',
    { kind: 'two-or-over', years: 2, months: 0 },
  ],
  [
    'two and a half, day before the month',
    { born: true, date: '2022-08-20' },
    '2025-03-19',
    { kind: 'two-or-over', years: 2, months: 6 },
  ],
  [
    'two and a half, on the month',
    { born: true, date: '2022-08-20' },
    '2025-03-20',
    { kind: 'two-or-over', years: 2, months: 7 },
  ],
  [
    'five years old',
    { born: true, date: '2020-01-01' },
    '2025-01-01',
    { kind: 'two-or-over', years: 5, months: 0 },
  ],
])('describeInfantAge: %s', (_name, input, onDate, expected) => {
  expect(describeInfantAge(input, onDate)).toEqual(expected);
});

test.each([
  ['2026-03-01', '1 March 2026'],
  ['2025-12-25', '25 December 2025'],
  ['2024-02-29', '29 February 2024'],
  ['2025-01-09', '9 January 2025'],
])('formatUkDate(%j) is %j', (input, expected) => {
  expect(formatUkDate(input)).toBe(expected);
});

test.each([
  [true, '2026-05-03', '2026-11-03', '3 May 2026: 6 months old today'],
  [true, '2026-10-01', '2026-11-03', '1 October 2026: 1 month old today'],
  [true, '2026-10-20', '2026-11-03', '20 October 2026: 2 weeks old today'],
  [true, '2026-11-02', '2026-11-03', '2 November 2026: 1 day old today'],
  [true, '2026-11-03', '2026-11-03', '3 November 2026: born today'],
  [true, '2024-05-03', '2026-11-03', '3 May 2024: 2 years 6 months old today (over 2)'],
  [true, '2026-12-03', '2026-11-03', '3 December 2026: this is in the future; please check it'],
  [false, '2027-01-14', '2026-11-03', 'due 14 January 2027: antenatal'],
  [false, '2026-10-14', '2026-11-03', 'due 14 October 2026: this date has passed; is the baby born?'],
  [true, 'not a date', '2026-11-03', 'not a date'],
])('describeInfantDate(born %s, %s) on %s reads "%s"', (born, date, on, words) => {
  expect(describeInfantDate({ born, date }, on)).toBe(words);
});
