//! What the app plots as CSV: a time column, then one column per series.

use super::{ExportError, save_bytes};
use std::fmt::Write as _;
use std::path::Path;

/// One plotted series: its legend name and one value per time (`NaN`: a
/// gap, written as an empty cell).
#[derive(Clone, Copy, Debug)]
pub struct Series<'a> {
    /// Column header, e.g. "wait p95 (s)".
    pub name: &'a str,
    /// One value per entry of the time column.
    pub values: &'a [f64],
}

/// The series as CSV text (RFC 4180): a header of `time_name` and every
/// series name (quoted where needed), then one row per time. Every series
/// must have one value per time.
pub fn series_csv(
    time_name: &str,
    times_s: &[f64],
    series: &[Series<'_>],
) -> Result<String, ExportError> {
    if let Some(bad) = series.iter().find(|s| s.values.len() != times_s.len()) {
        return Err(ExportError::Series(format!(
            "series \"{}\" has {} values for {} times",
            bad.name,
            bad.values.len(),
            times_s.len()
        )));
    }
    let mut out = String::new();
    out.push_str(&text_cell(time_name));
    for s in series {
        out.push(',');
        out.push_str(&text_cell(s.name));
    }
    out.push('\n');
    for (i, t) in times_s.iter().enumerate() {
        push_number(&mut out, *t);
        for s in series {
            out.push(',');
            push_number(&mut out, s.values[i]);
        }
        out.push('\n');
    }
    Ok(out)
}

/// Writes [`series_csv`] to `path`, atomically.
pub fn save_series_csv(
    path: &Path,
    time_name: &str,
    times_s: &[f64],
    series: &[Series<'_>],
) -> Result<(), ExportError> {
    let text = series_csv(time_name, times_s, series)?;
    save_bytes(path, text.as_bytes())
}

/// A text cell (a series' or twin's name) as CSV, safe to open in a
/// spreadsheet: text beginning with `=`, `+`, `-` or `@` gets a leading
/// `'` (a spreadsheet would run it as a formula; numbers are written
/// elsewhere and never pass here), then the cell is quoted (with quotes
/// doubled) when it holds a comma, a quote or a line break.
pub fn text_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// A number as Rust prints it (shortest exact form); nothing when unknown.
fn push_number(out: &mut String, x: f64) {
    if x.is_finite() {
        let _ = write!(out, "{x}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_only_when_needed_and_gaps_are_empty() {
        let text = series_csv(
            "t_s",
            &[1.0, 2.0],
            &[
                Series {
                    name: "wait p95",
                    values: &[0.5, f64::NAN],
                },
                Series {
                    name: "acme, \"big\"",
                    values: &[3.0, 4.25],
                },
            ],
        )
        .expect("csv");
        assert_eq!(
            text,
            "t_s,wait p95,\"acme, \"\"big\"\"\"\n1,0.5,3\n2,,4.25\n"
        );
    }

    #[test]
    fn a_short_series_is_refused_by_name() {
        let e = series_csv(
            "t_s",
            &[1.0, 2.0],
            &[Series {
                name: "x",
                values: &[1.0],
            }],
        )
        .expect_err("mismatch");
        assert!(
            e.to_string().contains("\"x\" has 1 values for 2 times"),
            "{e}"
        );
    }
}

#[cfg(test)]
mod text_cell_tests {
    use super::text_cell;

    /// A cell a spreadsheet would run as a formula is written as text.
    #[test]
    fn formula_like_text_is_prefixed_and_plain_text_is_not() {
        assert_eq!(text_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(text_cell("+1"), "'+1");
        assert_eq!(text_cell("-x"), "'-x");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("=a,b"), "\"'=a,b\"");
        assert_eq!(text_cell("wait p95"), "wait p95");
        assert_eq!(text_cell("a\"b"), "\"a\"\"b\"");
    }
}
