import { describe, expect, it } from 'vitest';
import { endOfLocalDay, localDate, localDateTime, localTimestamp, startOfLocalDay } from '../../src/lib/time.ts';

/** The calendar date as the platform's own time-zone data gives it: the oracle, computed afresh each time. */
const oracle = (t: number, tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(t));

describe('localDate (remembers the last day per zone)', () => {
  it('agrees with Intl at every day boundary ±1 ms, in Asia/Shanghai and across New York\'s DST changes, asked in an order that hits and misses what it remembers', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'UTC'];
    const instants: number[] = [];
    for (const tz of zones) {
      for (const day of ['2026-03-07', '2026-03-08', '2026-03-09', '2026-11-01', '2026-11-02', '2026-12-31', '2027-01-01']) {
        for (const edge of [startOfLocalDay(day, tz).getTime(), endOfLocalDay(day, tz).getTime()]) instants.push(edge - 1, edge, edge + 1);
      }
    }
    // A fixed shuffle (no flakiness), each instant asked in every zone, twice.
    let seed = 7;
    const order = [...instants, ...instants].map((t) => ({ t, k: (seed = (seed * 48271) % 2147483647) })).sort((a, b) => a.k - b.k);
    for (const { t } of order) for (const tz of zones) expect(localDate(new Date(t), tz), `${new Date(t).toISOString()} in ${tz}`).toBe(oracle(t, tz));
  });

  it('the last millisecond of a Beijing day is that day; the next is the next day', () => {
    const end = endOfLocalDay('2026-12-07', 'Asia/Shanghai').getTime();
    expect(new Date(end).toISOString()).toBe('2026-12-07T16:00:00.000Z');
    expect(localDate(new Date(end - 1), 'Asia/Shanghai')).toBe('2026-12-07');
    expect(localDate(new Date(end), 'Asia/Shanghai')).toBe('2026-12-08');
    expect(localDate(new Date(end - 1), 'Asia/Shanghai')).toBe('2026-12-07');
  });
});

describe('startOfLocalDay (remembers the day starts it worked out)', () => {
  it('is the first instant whose Intl date is that day, asked twice, in Shanghai and across New York\'s DST changes; a caller changing the Date it got changes nothing', () => {
    for (const tz of ['Asia/Shanghai', 'America/New_York']) {
      for (const day of ['2026-03-08', '2026-03-09', '2026-11-01', '2026-11-02', '2027-01-01']) {
        for (let ask = 0; ask < 2; ask++) {
          const start = startOfLocalDay(day, tz);
          expect(oracle(start.getTime(), tz), `${day} ${tz}`).toBe(day);
          expect(oracle(start.getTime() - 1, tz), `${day} ${tz}`).not.toBe(day);
          start.setTime(0);
        }
      }
    }
  });
});

describe('localTimestamp and localDateTime (the wall clock people read)', () => {
  /** The wall clock as Intl gives it, 24-hour. */
  const wall = (t: number, tz: string) => {
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  };
  it('agree with Intl at midnight, noon, 23:59:59 and across New York\'s DST changes', () => {
    const instants = ['2026-12-07T16:00:00.000Z', '2026-12-07T15:59:59.999Z', '2026-12-08T04:00:00.000Z', '2026-03-08T06:59:59.000Z', '2026-03-08T07:00:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z', '2027-01-01T00:00:09.000Z'];
    for (const tz of ['Asia/Shanghai', 'America/New_York', 'UTC']) {
      for (const iso of instants) {
        const t = Date.parse(iso);
        expect(localTimestamp(new Date(t), tz), `${iso} ${tz}`).toBe(wall(t, tz));
        expect(localDateTime(new Date(t), tz), `${iso} ${tz}`).toBe(wall(t, tz).slice(0, 16));
      }
    }
    expect(localTimestamp(new Date('2026-12-07T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2026-12-08 00:00:00');
  });
});
