//! How every document prints a quantity: thousands separated by commas, at most two decimals,
//! trailing zeros dropped (`16940` → `16,940`, `2.25` → `2.25`, `2.5` → `2.5`). One home, so a
//! value the description gives (`database_mb_per_client = 2.25`) reads the same in every format
//! and in every sentence that quotes it. Deterministic and locale-free.

/// `8470` → `8,470`.
pub fn fmt_int(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `16940.0` → `16,940`; `12.5` → `12.5`; `2.25` → `2.25`; `-780.0` → `-780`; `-0.001` → `0`.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    let hundredths = (v.abs() * 100.0).round();
    let int = (hundredths / 100.0).trunc() as u64;
    let frac = (hundredths % 100.0) as u64;
    let mut s = fmt_int(int);
    if frac > 0 {
        let f = format!("{frac:02}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    if v < 0.0 && hundredths > 0.0 {
        s.insert(0, '-');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_grouped_by_thousands_with_at_most_two_decimals() {
        assert_eq!(fmt_int(0), "0");
        assert_eq!(fmt_int(999), "999");
        assert_eq!(fmt_int(8470), "8,470");
        assert_eq!(fmt_int(1_234_567), "1,234,567");
        assert_eq!(fmt_num(16940.0), "16,940");
        assert_eq!(fmt_num(999.0), "999");
        assert_eq!(fmt_num(2.0), "2");
        assert_eq!(fmt_num(2.5), "2.5");
        assert_eq!(fmt_num(2.25), "2.25");
        assert_eq!(fmt_num(1234.25), "1,234.25");
        assert_eq!(fmt_num(1_234_567.25), "1,234,567.25");
        assert_eq!(fmt_num(0.999), "1");
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(-780.0), "-780");
        assert_eq!(fmt_num(-1500.0), "-1,500");
        assert_eq!(fmt_num(-0.001), "0");
        assert_eq!(fmt_num(f64::NAN), "–");
    }
}
