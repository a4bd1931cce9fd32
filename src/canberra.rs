//! An instant in → Canberra wall-clock time out: the date and time every report, `show` and
//! `check` shows (`received_at`, `decided_at`), the Canberra day a message was received on (for
//! `due_by`, `--since`, `--until`), and today in Canberra (for `--overdue`).
//!
//! Canberra keeps Australia/Sydney time (AEST +10:00, AEDT +11:00); the rules come from the time
//! zone database that `chrono-tz` compiles in, so a change to daylight saving is a crate update.

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

/// Canberra's time zone.
pub const ZONE: Tz = chrono_tz::Australia::Sydney;

/// An instant as Canberra wall-clock time.
pub fn local<T: TimeZone>(instant: &DateTime<T>) -> DateTime<Tz> {
    instant.with_timezone(&ZONE)
}

/// An instant as RFC 3339 in Canberra time, to the second (`2026-03-02T09:00:00+11:00`).
pub fn rfc3339<T: TimeZone>(instant: &DateTime<T>) -> String {
    local(instant).to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// The Canberra calendar day an instant falls on.
pub fn day<T: TimeZone>(instant: &DateTime<T>) -> NaiveDate {
    local(instant).date_naive()
}

/// Today in Canberra.
pub fn today() -> NaiveDate {
    day(&Utc::now())
}

/// The first instant of a Canberra day, as UTC seconds. Midnight always exists in Canberra
/// (the clocks change at 2:00 and 3:00); should a zone ever skip it, the day starts at the
/// first instant after.
pub fn day_start(day: NaiveDate) -> i64 {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    match ZONE.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) => t.timestamp(),
        chrono::LocalResult::Ambiguous(first, _) => first.timestamp(),
        chrono::LocalResult::None => (1..=24)
            .filter_map(|hour| midnight.checked_add_signed(chrono::Duration::hours(hour)))
            .find_map(|later| ZONE.from_local_datetime(&later).earliest())
            .map_or(midnight.and_utc().timestamp() - 10 * 3600, |t| {
                t.timestamp()
            }),
    }
}

/// An RFC 3339 date and time in any offset (as the ledger stores it) re-read in Canberra time;
/// `None` when it is not RFC 3339.
pub fn parse(stored: &str) -> Option<DateTime<Tz>> {
    DateTime::parse_from_rfc3339(stored).ok().map(|t| local(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<chrono::FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn daylight_time_switches_in_canberra() {
        // (instant, Canberra wall-clock)
        let rows = [
            // 2026: daylight time ends 3:00 AEDT Sun 5 Apr = 16:00 UTC Sat 4 Apr.
            ("2026-04-04T15:59:00Z", "2026-04-05T02:59:00+11:00"),
            ("2026-04-04T16:00:00Z", "2026-04-05T02:00:00+10:00"),
            // 2026: daylight time starts 2:00 AEST Sun 4 Oct = 16:00 UTC Sat 3 Oct.
            ("2026-10-03T15:59:00Z", "2026-10-04T01:59:00+10:00"),
            ("2026-10-03T16:00:00Z", "2026-10-04T03:00:00+11:00"),
            ("2026-07-01T00:00:00Z", "2026-07-01T10:00:00+10:00"),
            ("2026-01-15T00:00:00Z", "2026-01-15T11:00:00+11:00"),
            ("2026-12-31T13:30:00Z", "2027-01-01T00:30:00+11:00"),
            // The same instant written in another offset reads the same.
            ("2026-03-01T14:30:00-00:00", "2026-03-02T01:30:00+11:00"),
            ("2026-03-01T09:30:00-05:00", "2026-03-02T01:30:00+11:00"),
            // Sub-seconds are not shown.
            ("2026-07-01T00:00:00.999Z", "2026-07-01T10:00:00+10:00"),
        ];
        for (instant, canberra) in rows {
            assert_eq!(rfc3339(&at(instant)), canberra, "{instant}");
            assert_eq!(
                parse(instant).map(|t| rfc3339(&t)).as_deref(),
                Some(canberra)
            );
        }
        assert_eq!(parse("yesterday"), None);
    }

    #[test]
    fn a_message_at_half_past_one_in_canberra_is_on_the_canberra_day() {
        // Its Date header says the previous day in UTC.
        let received = at("2026-03-01T14:30:00+00:00");
        assert_eq!(day(&received), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        let start = day_start(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        assert_eq!(start, at("2026-03-02T00:00:00+11:00").timestamp());
        assert!(received.timestamp() >= start);
    }

    #[test]
    fn days_start_at_canberra_midnight_whatever_the_season() {
        for (date, midnight) in [
            ((2026, 7, 1), "2026-07-01T00:00:00+10:00"),
            ((2026, 1, 1), "2026-01-01T00:00:00+11:00"),
            // The days the clocks change.
            ((2026, 4, 5), "2026-04-05T00:00:00+11:00"),
            ((2026, 10, 4), "2026-10-04T00:00:00+10:00"),
        ] {
            let d = NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap();
            assert_eq!(day_start(d), at(midnight).timestamp(), "{d}");
        }
    }
}
