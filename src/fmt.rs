//! Number formatting shared by the command line and the app: one way to
//! write a duration, a count, a share, a rate and money.

/// A count with thousands separators: 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A duration in seconds for people, three significant digits: "4.21 ms",
/// "72.3 ms", "123 ms", "2.50 s", "15.0 s", "900 s"; "—" when unknown.
pub fn secs(x: f64) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    let a = x.abs();
    if a < 0.01 {
        format!("{:.2} ms", x * 1000.0)
    } else if a < 0.1 {
        format!("{:.1} ms", x * 1000.0)
    } else if a < 1.0 {
        format!("{:.0} ms", x * 1000.0)
    } else if a < 10.0 {
        format!("{x:.2} s")
    } else if a < 100.0 {
        format!("{x:.1} s")
    } else {
        format!("{x:.0} s")
    }
}

/// A target or setting in seconds, as short as it is exact: "1 s",
/// "2.5 s", "500 ms".
pub fn target(x: f64) -> String {
    if !x.is_finite() {
        "—".to_string()
    } else if x.abs() < 1.0 {
        format!("{} ms", (x * 1000.0 * 100.0).round() / 100.0)
    } else {
        format!("{} s", (x * 100.0).round() / 100.0)
    }
}

/// A share of one as a percentage: "64.7%"; "—" when unknown.
pub fn share(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}%", x * 100.0)
    } else {
        "—".to_string()
    }
}

/// A rate per second: "188/s", "4.5/s", "0.25/s".
pub fn rate(x: f64) -> String {
    if !x.is_finite() {
        "—".to_string()
    } else if x.abs() >= 100.0 {
        format!("{}/s", thousands(x.round().max(0.0) as u64))
    } else if x.abs() >= 10.0 {
        format!("{x:.0}/s")
    } else if x.abs() >= 1.0 {
        format!("{x:.1}/s")
    } else {
        format!("{x:.2}/s")
    }
}

/// Money: "$4.10", "$1,234".
pub fn dollars(x: f64) -> String {
    if !x.is_finite() {
        "—".to_string()
    } else if x.abs() >= 1000.0 {
        format!("${}", thousands(x.round().max(0.0) as u64))
    } else {
        format!("${x:.2}")
    }
}

/// Sim time on a clock: "1:02:03", always hours, minutes and seconds,
/// the seconds begun so far (truncated, as a clock shows them: the second
/// at 59.7 s is still 0:00:59). The top bar, the plots' time axes, the
/// hand-out's axes and every time in words use it.
pub fn clock(s: f64) -> String {
    let s = s.max(0.0) as u64;
    format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

/// A number on a plot's value axis (and a clipped spike's height), short:
/// below a thousand with at most two decimals and no trailing zeros
/// ("0.05", "2.5", "20", "800"), thousands and millions with at most one
/// decimal and a suffix ("1.5k", "12k", "2.5M"). The app's axes and the
/// hand-out's use it.
pub fn axis(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let a = v.abs();
    if a >= 999_950.0 {
        format!("{}M", trimmed(v / 1e6, 1))
    } else if a >= 999.995 {
        format!("{}k", trimmed(v / 1e3, 1))
    } else {
        trimmed(v, 2)
    }
}

/// A share of one on a plot's value axis, in percent: "80%".
pub fn axis_share(v: f64) -> String {
    if v.is_finite() {
        format!("{:.0}%", v * 100.0)
    } else {
        String::new()
    }
}

/// `v` with at most `decimals` decimals and no trailing zeros ("-0" is
/// "0").
fn trimmed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s.as_str()
    };
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A span of sim time: "5 min", "24 h".
pub fn span(s: f64) -> String {
    if s >= 3600.0 {
        format!("{:.0} h", s / 3600.0)
    } else if s >= 60.0 {
        format!("{:.0} min", s / 60.0)
    } else {
        format!("{s:.0} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn durations_keep_three_digits() {
        assert_eq!(secs(f64::NAN), "—");
        assert_eq!(secs(0.00421), "4.21 ms");
        assert_eq!(secs(0.0723), "72.3 ms");
        assert_eq!(secs(0.1234), "123 ms");
        assert_eq!(secs(2.5), "2.50 s");
        assert_eq!(secs(15.01), "15.0 s");
        assert_eq!(secs(900.0), "900 s");
        assert_eq!(target(1.0), "1 s");
        assert_eq!(target(0.5), "500 ms");
        assert_eq!(target(2.5), "2.5 s");
    }

    #[test]
    fn shares_rates_money_and_clocks() {
        assert_eq!(share(0.647), "64.7%");
        assert_eq!(share(f64::NAN), "—");
        assert_eq!(rate(188.2), "188/s");
        assert_eq!(rate(4.52), "4.5/s");
        assert_eq!(rate(1234.0), "1,234/s");
        assert_eq!(dollars(4.1), "$4.10");
        assert_eq!(dollars(12345.0), "$12,345");
        assert_eq!(clock(3723.0), "1:02:03");
        assert_eq!(clock(59.7), "0:00:59", "a clock truncates");
        assert_eq!(span(300.0), "5 min");
        assert_eq!(span(86_400.0), "24 h");
    }

    #[test]
    fn axis_numbers_are_short() {
        let cases = [
            (0.0, "0"),
            (0.05, "0.05"),
            (2.5, "2.5"),
            (20.0, "20"),
            (800.0, "800"),
            (1000.0, "1k"),
            (1500.0, "1.5k"),
            (1605.0, "1.6k"),
            (12_000.0, "12k"),
            (2_500_000.0, "2.5M"),
            (-0.001, "0"),
            (999.999, "1k"),
        ];
        for (v, text) in cases {
            assert_eq!(axis(v), text, "{v}");
        }
        assert_eq!(axis_share(0.8), "80%");
    }
}
