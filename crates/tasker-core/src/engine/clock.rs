//! The engine's clock: real time (to the microsecond, as tasker's Postgres stored it), or with a
//! seed a fixed clock that advances one tick on every read, so a seeded engine's timestamps
//! depend only on the calls it received.

use chrono::{NaiveDateTime, TimeDelta, Timelike, Utc};

#[derive(Debug, Clone)]
pub(crate) enum Clock {
    Real,
    Fixed {
        next: NaiveDateTime,
        tick: TimeDelta,
    },
}

fn real_now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    // Postgres `timestamp` keeps microseconds; so do we.
    now.with_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap_or(now)
}

impl Clock {
    pub fn fixed(start: NaiveDateTime, tick_ms: u32) -> Clock {
        Clock::Fixed {
            next: start,
            tick: TimeDelta::milliseconds(i64::from(tick_ms)),
        }
    }

    /// Reads the time; the fixed clock returns its current value and then advances.
    pub fn read(&mut self) -> NaiveDateTime {
        match self {
            Clock::Real => real_now(),
            Clock::Fixed { next, tick } => {
                let now = *next;
                // At the end of chrono's range the fixed clock stops rather than panicking.
                *next = now.checked_add_signed(*tick).unwrap_or(now);
                now
            }
        }
    }

    /// The current time without advancing: queries use it, so reading state never changes
    /// what later calls see.
    pub fn peek(&self) -> NaiveDateTime {
        match self {
            Clock::Real => real_now(),
            Clock::Fixed { next, .. } => *next,
        }
    }
}

/// `at + ms`, saturating at the end of chrono's range.
pub(crate) fn add_ms(at: NaiveDateTime, ms: u64) -> NaiveDateTime {
    i64::try_from(ms)
        .ok()
        .and_then(TimeDelta::try_milliseconds)
        .and_then(|delta| at.checked_add_signed(delta))
        .unwrap_or(NaiveDateTime::MAX)
}

/// Whole milliseconds from `since` to `now`; zero if `since` is later.
pub(crate) fn elapsed_ms(since: NaiveDateTime, now: NaiveDateTime) -> u64 {
    u64::try_from((now - since).num_milliseconds()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_returns_start_then_advances_one_tick_per_read() {
        let start = NaiveDateTime::MIN;
        let mut clock = Clock::fixed(start, 1000);
        assert_eq!(clock.read(), start);
        assert_eq!(clock.peek(), add_ms(start, 1000));
        assert_eq!(clock.read(), add_ms(start, 1000));
    }

    #[test]
    fn fixed_clock_stops_at_the_end_of_time_instead_of_panicking() {
        let mut clock = Clock::fixed(NaiveDateTime::MAX, 1000);
        assert_eq!(clock.read(), NaiveDateTime::MAX);
        assert_eq!(clock.read(), NaiveDateTime::MAX);
        assert_eq!(add_ms(NaiveDateTime::MAX, u64::MAX), NaiveDateTime::MAX);
    }
}
