//! The plan date: `--date YYYY-MM-DD`, else `SOURCE_DATE_EPOCH`, else today (UTC).
//! One date in, byte-identical output out.

use chrono::NaiveDate;

/// Resolves the plan date. `explicit` wins over `SOURCE_DATE_EPOCH`, which wins over the clock.
pub fn resolve(
    explicit: Option<&str>,
    source_date_epoch: Option<&str>,
) -> Result<NaiveDate, String> {
    if let Some(s) = explicit {
        return NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            format!("`--date {s}` is not a date: write it as YYYY-MM-DD, e.g. 2027-03-01")
        });
    }
    if let Some(s) = source_date_epoch {
        let secs: i64 = s.trim().parse().map_err(|_| {
            format!("SOURCE_DATE_EPOCH={s:?} is not a number of seconds since 1970-01-01")
        })?;
        return chrono::DateTime::from_timestamp(secs, 0)
            .map(|dt| dt.date_naive())
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH={s} is out of range"));
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Ok(chrono::DateTime::from_timestamp(secs, 0)
        .map(|dt| dt.date_naive())
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_date_wins_and_epoch_is_read_as_utc() {
        assert_eq!(
            resolve(Some("2027-03-01"), Some("0")).unwrap().to_string(),
            "2027-03-01"
        );
        assert_eq!(
            resolve(None, Some("86399")).unwrap().to_string(),
            "1970-01-01"
        );
        assert_eq!(
            resolve(None, Some("1798761600")).unwrap().to_string(),
            "2027-01-01"
        );
        assert!(resolve(Some("01/03/2027"), None)
            .unwrap_err()
            .contains("YYYY-MM-DD"));
        assert!(resolve(None, Some("soon")).is_err());
    }
}
