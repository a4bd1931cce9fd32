//! The `[rules]` table of the config in → the validation `Rules`, with the dynamic ranges
//! file read.

use super::{Rules, ip};
use crate::config::Config;
use anyhow::Context as _;

impl Rules {
    /// The rules a config sets (`[rules]`), with the dynamic ranges file read.
    pub fn from_config(config: &Config) -> anyhow::Result<Rules> {
        let settings = &config.rules;
        let mut rules = Rules {
            ip_min_prefix_v4: settings.ip_min_prefix_v4,
            ip_min_prefix_v6: settings.ip_min_prefix_v6,
            reverse_dns: settings.reverse_dns,
            ..Rules::default()
        };
        for day in &settings.extra_holidays {
            rules.extra_holidays.push(crate::config::parse_date(day)?);
        }
        let file = settings.dynamic_ranges_file.trim();
        if !file.is_empty() {
            let path = config.relative_path(file);
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!("cannot read rules.dynamic_ranges_file {}", path.display())
            })?;
            for (n, line) in text.lines().enumerate() {
                let line = line.split('#').next().unwrap_or("").trim();
                if line.is_empty() {
                    continue;
                }
                let cidr = ip::parse_cidr(line).with_context(|| {
                    format!(
                        "{} line {}: {line:?} is not a CIDR block",
                        path.display(),
                        n + 1
                    )
                })?;
                rules.dynamic_ranges.push(cidr);
            }
        }
        Ok(rules)
    }
}
