// The engine's timers on the host's clock, and the hold of an idle validator's round timer.
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { ROUND_TIMER } from "../../../consensus/index.ts";
import { HostTimers } from "../../../node/chain/host-timers.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function timers(hasWork?: () => boolean): { t: HostTimers; fired: string[] } {
  const fired: string[] = [];
  return { t: new HostTimers((id) => fired.push(id), hasWork), fired };
}

describe("plain timers", () => {
  test("fire after their delay; a new set replaces the old; a cancelled timer never fires", () => {
    const { t, fired } = timers();
    t.set("a", 100);
    t.set("b", 100);
    t.set("a", 300);
    t.cancel("b");
    vi.advanceTimersByTime(299);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["a"]);
  });

  test("without a work check the round timer is never held", () => {
    const { t, fired } = timers();
    t.set(ROUND_TIMER, 1000);
    t.update(() => false);
    expect(t.held).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([ROUND_TIMER]);
  });

  test("clear: nothing fires, and nothing is released afterwards", () => {
    let work = false;
    const { t, fired } = timers(() => work);
    t.set("a", 10);
    t.set(ROUND_TIMER, 10);
    t.update(() => false);
    t.clear();
    work = true;
    t.update(() => true);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([]);
  });
});

describe("the round timer of an idle validator", () => {
  test("is held while there is no work and nobody started the round; other timers still run", () => {
    const { t, fired } = timers(() => false);
    t.set(ROUND_TIMER, 1000);
    t.set("other", 500);
    t.update(() => false);
    expect(t.held).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(fired).toEqual(["other"]);
  });

  test("runs its full delay from the moment work arrives", () => {
    let work = false;
    const { t, fired } = timers(() => work);
    t.set(ROUND_TIMER, 1000);
    t.update(() => false);
    vi.advanceTimersByTime(5000);
    work = true;
    t.update(() => false);
    expect(t.held).toBe(false);
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([ROUND_TIMER]);
  });

  test("runs once the round is under way (another validator's timeout), though this one has no work", () => {
    const { t, fired } = timers(() => false);
    t.set(ROUND_TIMER, 1000);
    t.update(() => false);
    t.update(() => true);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([ROUND_TIMER]);
  });

  test("is held again when the work is gone before it fired, and the round was not under way", () => {
    let work = true;
    const { t, fired } = timers(() => work);
    t.set(ROUND_TIMER, 1000);
    t.update(() => false);
    expect(t.held).toBe(false);
    vi.advanceTimersByTime(600);
    work = false;
    t.update(() => false);
    expect(t.held).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual([]);
  });

  test("an update after it fired or was cancelled starts nothing", () => {
    let work = true;
    const { t, fired } = timers(() => work);
    t.set(ROUND_TIMER, 100);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([ROUND_TIMER]);
    work = false;
    t.update(() => false);
    work = true;
    t.update(() => true);
    t.set(ROUND_TIMER, 100);
    t.cancel(ROUND_TIMER);
    t.update(() => true);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([ROUND_TIMER]);
  });

  test("a new round timer replaces a held one, and is held or run on its own merits", () => {
    let work = false;
    const { t, fired } = timers(() => work);
    t.set(ROUND_TIMER, 1000);
    t.update(() => false);
    work = true;
    t.set(ROUND_TIMER, 2000);
    t.update(() => false);
    vi.advanceTimersByTime(1999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([ROUND_TIMER]);
  });
});
