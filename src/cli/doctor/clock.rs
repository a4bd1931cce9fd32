//! The clock `doctor` checks: the time zone data (Canberra's offset and daylight saving) and the
//! holidays of this year and next that due dates skip, each in → a line of the report.

use super::Report;
use crate::config::Config;
use chrono::{Datelike, NaiveDate, Offset, TimeZone, Timelike, Utc};

/// The tz database compiled in knows Canberra's daylight saving in this year and next: standard
/// time (+10:00) in July, daylight time (+11:00) in January, and the days the clocks change.
pub(super) fn check_time_zone(report: &mut Report) {
    use chrono_tz::Australia::Sydney;
    let now = Utc::now();
    let this_year = now.year();
    let offset_on = |day: NaiveDate| {
        day.and_hms_opt(2, 0, 0).map(|utc| {
            Sydney
                .from_utc_datetime(&utc)
                .offset()
                .fix()
                .local_minus_utc()
        })
    };
    let mut changes = Vec::new();
    let mut wrong = None;
    for year in [this_year, this_year + 1] {
        let january = NaiveDate::from_ymd_opt(year, 1, 15).and_then(offset_on);
        let july = NaiveDate::from_ymd_opt(year, 7, 15).and_then(offset_on);
        if january != Some(11 * 3600) || july != Some(10 * 3600) {
            wrong.get_or_insert(year);
        }
        // The days the offset changes (daylight saving ends in April, starts in October).
        let Some(mut day) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            continue;
        };
        let mut before = offset_on(day);
        while let Some(next) = day.succ_opt().filter(|d| d.year() == year) {
            let after = offset_on(next);
            if after != before {
                changes.push(next.format("%-d %b %Y").to_string());
            }
            (day, before) = (next, after);
        }
    }
    let local = Sydney.from_utc_datetime(&now.naive_utc());
    match wrong {
        None if changes.len() == 4 => report.ok(
            "time zone",
            format!(
                "Canberra (Australia/Sydney, tz data compiled in) is {} ({}) now, {:02}:{:02}; \
                 the clocks change on {}",
                local.format("%Z"),
                local.format("%:z"),
                local.hour(),
                local.minute(),
                changes.join(", ")
            ),
        ),
        _ => report.fail(
            "time zone",
            format!(
                "the tz data compiled in does not know Canberra's daylight saving in {} \
                 (changes found: {}): received_at and due_by dates may be a day out; update \
                 regintake",
                wrong.unwrap_or(this_year),
                if changes.is_empty() {
                    "none".to_string()
                } else {
                    changes.join(", ")
                }
            ),
        ),
    }
}

/// The national public holidays of this year and next, and the extra ones configured.
pub(super) fn check_holidays(config: &Config, report: &mut Report) {
    let this_year = Utc::now().year();
    let extra: Vec<NaiveDate> = config
        .rules
        .extra_holidays
        .iter()
        .filter_map(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
        .collect();
    for year in [this_year, this_year + 1] {
        let national = crate::validate::holidays::national_holidays(year);
        let extras: Vec<String> = extra
            .iter()
            .filter(|d| d.year() == year)
            .map(|d| d.to_string())
            .collect();
        let what = format!("holidays {year}");
        if national.len() < 8 {
            report.fail(
                &what,
                format!(
                    "only {} national public holidays known: due dates would count holidays as \
                     business days; update regintake",
                    national.len()
                ),
            );
        } else if extras.is_empty() {
            report.warn(
                &what,
                format!(
                    "{} national public holidays; no rules.extra_holidays in {year}: Canberra's \
                     own (Canberra Day, Reconciliation Day, Labour Day) count as business days \
                     until you add them",
                    national.len()
                ),
            );
        } else {
            report.ok(
                &what,
                format!(
                    "{} national public holidays and {} extra ({})",
                    national.len(),
                    extras.len(),
                    extras.join(", ")
                ),
            );
        }
    }
}
