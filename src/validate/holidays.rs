//! A received date in → the credentials due date: five business days later, skipping weekends,
//! Australian national public holidays (computed per year, Easter included) and extra holidays.
//!
//! The received instant is first moved to Canberra local time (`crate::canberra`: Australia/Sydney
//! from the time zone database), so the day counted from is the Canberra calendar day.
//!
//! National public holidays, as this module counts them:
//! - New Year's Day (1 Jan) and Australia Day (26 Jan): on a Saturday or Sunday, the following
//!   Monday is the holiday instead.
//! - Good Friday and Easter Monday (Easter Sunday by the anonymous Gregorian algorithm; Easter
//!   Saturday and Sunday fall on a weekend anyway).
//! - Anzac Day (25 Apr): no substitute day. Only some states and territories (e.g. the ACT and
//!   WA) add a Monday when it falls on a weekend; add such days through `extra_holidays`.
//! - King's Birthday, second Monday in June: observed in every state and territory but Queensland
//!   and WA (which hold it later in the year); counted because most of the country stops.
//! - Christmas Day and Boxing Day: Christmas on a weekend is observed on 27 Dec, Boxing Day on a
//!   weekend on 28 Dec (so Sat/Sun → Mon 27 + Tue 28; Fri/Sat → Fri 25 + Mon 28;
//!   Sun/Mon → Mon 26 + Tue 27).

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Weekday};

/// Business days between the received date and the due date.
const BUSINESS_DAYS: u32 = 5;

/// The date credentials are due for a message received at `received_at`: the fifth business day
/// after the Canberra-local received date (the day after it is the first counted).
pub fn due_by(received_at: DateTime<FixedOffset>, extra_holidays: &[NaiveDate]) -> NaiveDate {
    let mut day = crate::canberra::day(&received_at);
    let mut counted = 0;
    while counted < BUSINESS_DAYS {
        match day.succ_opt() {
            Some(next) => day = next,
            None => return day, // end of chrono's calendar: nothing sensible to add
        }
        if is_business_day(day, extra_holidays) {
            counted += 1;
        }
    }
    day
}

/// Monday to Friday, not a national public holiday and not an extra holiday.
pub fn is_business_day(day: NaiveDate, extra_holidays: &[NaiveDate]) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        && !extra_holidays.contains(&day)
        && !national_holidays(day.year()).contains(&day)
}

/// Easter Sunday (Gregorian), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The national public holidays of `year` as observed (substitute days included), sorted.
pub fn national_holidays(year: i32) -> Vec<NaiveDate> {
    let date = |month: u32, day: u32| NaiveDate::from_ymd_opt(year, month, day);
    let monday_if_weekend = |d: NaiveDate| {
        let shift = match d.weekday() {
            Weekday::Sat => 2,
            Weekday::Sun => 1,
            _ => 0,
        };
        d.checked_add_signed(Duration::days(shift)).unwrap_or(d)
    };
    let mut days = Vec::new();
    if let Some(d) = date(1, 1) {
        days.push(monday_if_weekend(d));
    }
    if let Some(d) = date(1, 26) {
        days.push(monday_if_weekend(d));
    }
    if let Some(easter) = easter_sunday(year) {
        days.extend(easter.checked_sub_signed(Duration::days(2)));
        days.extend(easter.checked_add_signed(Duration::days(1)));
    }
    days.extend(date(4, 25));
    days.extend(NaiveDate::from_weekday_of_month_opt(
        year,
        6,
        Weekday::Mon,
        2,
    ));
    for (month_day, substitute_day) in [(25, 27), (26, 28)] {
        if let Some(d) = date(12, month_day) {
            let observed = match d.weekday() {
                Weekday::Sat | Weekday::Sun => date(12, substitute_day),
                _ => Some(d),
            };
            days.extend(observed);
        }
    }
    days.sort();
    days.dedup();
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn easter_sundays_match_published_dates() {
        let rows = [
            (2008, d(2008, 3, 23)),
            (2019, d(2019, 4, 21)),
            (2024, d(2024, 3, 31)),
            (2025, d(2025, 4, 20)),
            (2026, d(2026, 4, 5)),
            (2027, d(2027, 3, 28)),
            (2028, d(2028, 4, 16)),
            (2038, d(2038, 4, 25)),
        ];
        for (year, expected) in rows {
            assert_eq!(easter_sunday(year), Some(expected), "{year}");
        }
    }

    #[test]
    fn national_holidays_2026_are_the_official_dates() {
        assert_eq!(
            national_holidays(2026),
            vec![
                d(2026, 1, 1),   // New Year's Day, Thursday
                d(2026, 1, 26),  // Australia Day, Monday
                d(2026, 4, 3),   // Good Friday
                d(2026, 4, 6),   // Easter Monday
                d(2026, 4, 25),  // Anzac Day, Saturday: no national substitute
                d(2026, 6, 8),   // King's Birthday
                d(2026, 12, 25), // Christmas Day, Friday
                d(2026, 12, 28), // Boxing Day is Saturday → Monday 28th
            ]
        );
    }

    #[test]
    fn national_holidays_2027_are_the_official_dates() {
        assert_eq!(
            national_holidays(2027),
            vec![
                d(2027, 1, 1),   // New Year's Day, Friday
                d(2027, 1, 26),  // Australia Day, Tuesday
                d(2027, 3, 26),  // Good Friday
                d(2027, 3, 29),  // Easter Monday
                d(2027, 4, 25),  // Anzac Day, Sunday
                d(2027, 6, 14),  // King's Birthday
                d(2027, 12, 27), // Christmas Day is Saturday → Monday 27th
                d(2027, 12, 28), // Boxing Day is Sunday → Tuesday 28th
            ]
        );
    }

    #[test]
    fn weekend_substitutes_for_new_year_australia_day_and_christmas() {
        // 2022: 1 Jan Saturday → Mon 3 Jan; Christmas Sunday → Tue 27, Boxing Day Mon 26.
        let h2022 = national_holidays(2022);
        assert!(h2022.contains(&d(2022, 1, 3)));
        assert!(!h2022.contains(&d(2022, 1, 1)));
        assert!(h2022.contains(&d(2022, 12, 26)));
        assert!(h2022.contains(&d(2022, 12, 27)));
        assert!(!h2022.contains(&d(2022, 12, 25)));
        // 2023: 1 Jan Sunday → Mon 2 Jan. 2020: 26 Jan Sunday → Mon 27 Jan.
        assert!(national_holidays(2023).contains(&d(2023, 1, 2)));
        assert!(national_holidays(2020).contains(&d(2020, 1, 27)));
        // 2025: 26 Jan Sunday → Monday 27 Jan.
        assert!(national_holidays(2025).contains(&d(2025, 1, 27)));
    }

    #[test]
    fn due_dates() {
        let none: &[NaiveDate] = &[];
        let rows: [(&str, &[NaiveDate], NaiveDate); 13] = [
            // Received Monday → due next Monday.
            ("2026-03-02T10:00:00+11:00", none, d(2026, 3, 9)),
            // Received Saturday → due Friday.
            ("2026-03-07T10:00:00+11:00", none, d(2026, 3, 13)),
            // Received Sunday → due Friday.
            ("2026-03-08T10:00:00+11:00", none, d(2026, 3, 13)),
            // Late Friday UTC is already Saturday in Canberra → due the next Friday.
            ("2026-03-06T14:00:00Z", none, d(2026, 3, 13)),
            // 13:30 UTC Sunday is 00:30 Monday in Canberra → due the next Monday.
            ("2026-03-08T13:30:00Z", none, d(2026, 3, 16)),
            // Easter 2026: Thu 2 Apr → Tue 7, Wed 8, Thu 9, Fri 10, Mon 13.
            ("2026-04-02T09:00:00+11:00", none, d(2026, 4, 13)),
            // Tue 31 Mar 2026 → Wed 1, Thu 2, Tue 7, Wed 8, Thu 9.
            ("2026-03-31T09:00:00+11:00", none, d(2026, 4, 9)),
            // Christmas 2026: Wed 23 Dec → Thu 24, Tue 29, Wed 30, Thu 31, Mon 4 Jan (1 Jan Fri).
            ("2026-12-23T09:00:00+11:00", none, d(2027, 1, 4)),
            // Christmas 2027: Thu 23 Dec → Fri 24, Wed 29, Thu 30, Fri 31, then New Year's Day
            // 2028 is a Saturday so Mon 3 Jan is its substitute → Tue 4 Jan.
            ("2027-12-23T09:00:00+11:00", none, d(2028, 1, 4)),
            // Extra holidays are skipped too: 29 and 30 Dec 2026.
            (
                "2026-12-23T09:00:00+11:00",
                &[d(2026, 12, 29), d(2026, 12, 30)],
                d(2027, 1, 6),
            ),
            // King's Birthday 2026 (Mon 8 Jun): Fri 5 Jun → Tue 9..Fri 12, Mon 15.
            ("2026-06-05T09:00:00+10:00", none, d(2026, 6, 15)),
            // Australia Day 2027 (Tue 26 Jan): Mon 25 Jan → Wed 27..Fri 29, Mon 1, Tue 2 Feb.
            ("2027-01-25T09:00:00+11:00", none, d(2027, 2, 2)),
            // An extra holiday that is a weekend day changes nothing.
            ("2026-03-02T10:00:00+11:00", &[d(2026, 3, 7)], d(2026, 3, 9)),
        ];
        for (received, extra, expected) in rows {
            assert_eq!(
                due_by(at(received), extra),
                expected,
                "{received} {extra:?}"
            );
        }
    }

    #[test]
    fn due_by_at_the_end_of_the_calendar_does_not_panic() {
        let last = NaiveDate::MAX
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .fixed_offset();
        let _ = due_by(last, &[]);
    }
}
