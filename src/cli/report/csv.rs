//! The per-window time series as CSV: one row per window, one column per
//! measure. Each column is declared once, its name beside the cell it
//! writes, so the header and the rows cannot drift apart.

use crate::sim::{Reason, Settings, Window};

/// One CSV column: its header cell and how a window fills it.
pub struct Column {
    /// Header cell: letters, digits and `_` only, so it never needs quoting.
    pub name: String,
    cell: Box<dyn Fn(&Window) -> String>,
}

impl Column {
    /// The cell of window `w` in this column.
    pub fn cell(&self, w: &Window) -> String {
        (self.cell)(w)
    }
}

/// A column of counts.
fn count(name: &str, get: fn(&Window) -> u64) -> Column {
    Column {
        name: name.to_string(),
        cell: Box::new(move |w| get(w).to_string()),
    }
}

/// A column of numbers (seconds, shares, rates); unknown values (NaN
/// percentiles from too few samples) are empty cells.
fn number(name: &str, get: fn(&Window) -> f64) -> Column {
    Column {
        name: name.to_string(),
        cell: Box::new(move |w| {
            let x = get(w);
            if x.is_finite() {
                format!("{x}")
            } else {
                String::new()
            }
        }),
    }
}

/// User-visible errors for one reason: `errors_server_busy`.
fn errors(r: Reason) -> Column {
    Column {
        name: format!("errors_{}", r.key()),
        cell: Box::new(move |w| w.errors[r].to_string()),
    }
}

/// The jobs in the broker of client `i`, one column per client.
fn client_backlog(i: usize, client_name: &str) -> Column {
    Column {
        name: format!("backlog_{}", column_name(client_name)),
        cell: Box::new(move |w| {
            let n = w.backlog_by_client.get(i).copied().unwrap_or(0);
            n.to_string()
        }),
    }
}

/// A CSV header cell from a client name: letters, digits and `_` only, so
/// the header never needs quoting.
fn column_name(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Every column, in order, for a run with `s`'s clients: an error column per
/// reason, and a backlog column per client after the total backlog.
pub fn columns(s: &Settings) -> Vec<Column> {
    let mut cols = vec![
        number("t_s", |w| w.t_s),
        count("actions", |w| w.actions),
        count("clicks", |w| w.clicks),
        count("responses", |w| w.responses),
        count("acks", |w| w.acks),
        count("commits", |w| w.commits),
    ];
    let dependencies = !s.dependencies.is_empty();
    cols.extend(Reason::listed(dependencies).iter().map(|r| errors(*r)));
    cols.extend([
        count("user_retries", |w| w.user_retries),
        count("system_retries", |w| w.system_retries),
        count("dead_letters", |w| w.dead_letters),
        count("wasted", |w| w.wasted),
        count("polls", |w| w.polls),
        number("wait_p50", |w| w.wait.p50),
        number("wait_p95", |w| w.wait.p95),
        number("wait_p99", |w| w.wait.p99),
        number("wait_max", |w| w.wait.max),
        number("processed_p50", |w| w.processed.p50),
        number("processed_p95", |w| w.processed.p95),
        number("processed_p99", |w| w.processed.p99),
        number("learn_p95", |w| w.learn_p95),
        number("sla_share", |w| w.sla_share),
        count("backlog", |w| w.backlog),
    ]);
    cols.extend(
        s.clients
            .iter()
            .enumerate()
            .map(|(i, c)| client_backlog(i, &c.name)),
    );
    cols.extend([
        number("oldest_job_age_s", |w| w.oldest_job_age_s),
        count("in_backoff", |w| w.in_backoff),
        number("pending_polled", |w| w.pending_polled),
        number("util_server", |w| w.util_server),
        number("util_db", |w| w.util_db),
        number("util_workers", |w| w.util_workers),
        number("util_server_polls", |w| w.util_server_polls),
        number("cost_per_hour", |w| w.cost_per_hour),
        number("draining_server", |w| w.draining_server),
        number("draining_db", |w| w.draining_db),
        number("draining_workers", |w| w.draining_workers),
        number("error_share", |w| w.error_share),
        number("util_server_db_wait", |w| w.util_server_db_wait),
        number("util_server_db_write", |w| w.util_server_db_write),
        number("revenue_per_hour_free", |w| w.revenue_per_hour[0]),
        number("revenue_per_hour_standard", |w| w.revenue_per_hour[1]),
        number("revenue_per_hour_premium", |w| w.revenue_per_hour[2]),
    ]);
    for (i, d) in s.dependencies.iter().enumerate() {
        cols.extend(dependency_columns(i, &column_name(&d.name)));
    }
    cols.push(count("partial", |w| u64::from(w.partial)));
    cols
}

/// The columns of dependency `i` (named `name`): calls started, mean busy
/// slots, utilisation, calls waiting at the window's end, failures by
/// reason.
fn dependency_columns(i: usize, name: &str) -> Vec<Column> {
    let col = |what: &str, cell: Box<dyn Fn(&crate::sim::metrics::DepWindow) -> String>| Column {
        name: format!("dep_{name}_{what}"),
        cell: Box::new(move |w: &Window| w.dependencies.get(i).map_or(String::new(), &cell)),
    };
    let num = |x: f64| {
        if x.is_finite() {
            format!("{x}")
        } else {
            String::new()
        }
    };
    vec![
        col("calls", Box::new(|d| d.calls.to_string())),
        col("busy_slots", Box::new(move |d| num(d.busy_slots))),
        col("util", Box::new(move |d| num(d.util))),
        col("waiting", Box::new(|d| d.waiting.to_string())),
        col("failed", Box::new(|d| d.failures.failed.to_string())),
        col("timed_out", Box::new(|d| d.failures.timed_out.to_string())),
        col("throttled", Box::new(|d| d.failures.throttled.to_string())),
    ]
}

/// Writes the time series as windows arrive, so a long run never holds
/// all of them: the header first, then rows batch by batch.
pub struct CsvWriter<W: std::io::Write> {
    out: W,
    cols: Vec<Column>,
    line: String,
}

/// Header cell of the twin column a comparison's CSV starts with.
pub const TWIN_COLUMN: &str = "twin";

impl<W: std::io::Write> CsvWriter<W> {
    /// Writes the header for `s`'s columns to `out`.
    pub fn new(s: &Settings, out: W) -> std::io::Result<Self> {
        CsvWriter::start(s, out, false)
    }

    /// A comparison's CSV: the header starts with a [`TWIN_COLUMN`]; write
    /// rows with [`CsvWriter::twin_rows`].
    pub fn new_compare(s: &Settings, out: W) -> std::io::Result<Self> {
        CsvWriter::start(s, out, true)
    }

    fn start(s: &Settings, mut out: W, twin: bool) -> std::io::Result<Self> {
        let cols = columns(s);
        let mut line = String::new();
        let first = twin.then(|| TWIN_COLUMN.to_string());
        push_line(
            &mut line,
            first.into_iter().chain(cols.iter().map(|c| c.name.clone())),
        );
        out.write_all(line.as_bytes())?;
        Ok(CsvWriter { out, cols, line })
    }

    /// Writes one row per window.
    pub fn rows(&mut self, windows: &[Window]) -> std::io::Result<()> {
        for w in windows {
            self.line.clear();
            push_line(&mut self.line, self.cols.iter().map(|c| c.cell(w)));
            self.out.write_all(self.line.as_bytes())?;
        }
        Ok(())
    }

    /// Writes one row per window of twin `twin` (a comparison's CSV).
    pub fn twin_rows(&mut self, twin: &str, windows: &[Window]) -> std::io::Result<()> {
        let name = quoted(twin);
        for w in windows {
            self.line.clear();
            let cells = std::iter::once(name.clone()).chain(self.cols.iter().map(|c| c.cell(w)));
            push_line(&mut self.line, cells);
            self.out.write_all(self.line.as_bytes())?;
        }
        Ok(())
    }

    /// The writer, for committing.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// The per-window time series: a header line, then one row per window.
pub fn csv_text(s: &Settings, windows: &[Window]) -> String {
    let cols = columns(s);
    let mut out = String::new();
    push_line(&mut out, cols.iter().map(|c| c.name.clone()));
    for w in windows {
        push_line(&mut out, cols.iter().map(|c| c.cell(w)));
    }
    out
}

/// A free-text cell (a twin's name) as CSV: see
/// [`crate::export::text_cell`] (formula-like text prefixed with `'`,
/// quoted when it holds a comma, a quote or a line break).
pub fn quoted(text: &str) -> String {
    crate::export::text_cell(text)
}

/// Appends the cells separated by commas, then a newline.
fn push_line(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::Client;
    use crate::sim::{SimTime, System};

    /// Two clients, one whose name needs cleaning for the header.
    fn settings() -> Settings {
        let clients = ["acme", "tiny co"]
            .iter()
            .map(|n| Client {
                name: n.to_string(),
                ..Client::default()
            })
            .collect();
        Settings {
            clients,
            ..Settings::default()
        }
    }

    #[test]
    fn header_is_the_published_list_of_columns() {
        let text = csv_text(&settings(), &[]);
        assert_eq!(
            text,
            "t_s,actions,clicks,responses,acks,commits,\
             errors_timeout,errors_server_busy,errors_queue_full,errors_db_error,errors_sim_limit,\
             user_retries,system_retries,dead_letters,wasted,polls,\
             wait_p50,wait_p95,wait_p99,wait_max,\
             processed_p50,processed_p95,processed_p99,learn_p95,sla_share,\
             backlog,backlog_acme,backlog_tiny_co,\
             oldest_job_age_s,in_backoff,pending_polled,\
             util_server,util_db,util_workers,util_server_polls,cost_per_hour,\
             draining_server,draining_db,draining_workers,error_share,\
             util_server_db_wait,util_server_db_write,\
             revenue_per_hour_free,revenue_per_hour_standard,revenue_per_hour_premium,partial\n"
        );
    }

    #[test]
    fn a_comparison_starts_each_row_with_its_twin() {
        let s = settings();
        let mut sys = System::new(s.clone());
        sys.run_until(SimTime::from_secs_f64(2.0));
        let mut w = CsvWriter::new_compare(&s, Vec::new()).expect("header");
        w.twin_rows("sync", sys.windows()).expect("rows");
        w.twin_rows("a, \"b\"", &sys.windows()[..1]).expect("rows");
        let text = String::from_utf8(w.into_inner()).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("twin,t_s,actions,"), "{}", lines[0]);
        assert_eq!(lines.len(), 4);
        assert!(lines[1].starts_with("sync,1,"), "{}", lines[1]);
        assert!(lines[3].starts_with("\"a, \"\"b\"\"\",1,"), "{}", lines[3]);
        let plain = csv_text(&s, sys.windows());
        assert_eq!(
            lines[1],
            format!("sync,{}", plain.lines().nth(1).expect("row"))
        );
    }

    #[test]
    fn one_error_column_per_reason() {
        let errors = columns(&settings())
            .iter()
            .filter(|c| c.name.starts_with("errors_"))
            .count();
        assert_eq!(errors, Reason::PLAIN.len());
    }

    #[test]
    fn every_row_has_a_cell_per_column_and_no_nan() {
        let s = settings();
        let mut sys = System::new(s.clone());
        sys.run_until(SimTime::from_secs_f64(5.0));
        let text = csv_text(&s, sys.windows());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + sys.windows().len());
        let columns = lines[0].split(',').count();
        assert_eq!(columns, super::columns(&s).len());
        for l in &lines {
            assert_eq!(l.split(',').count(), columns, "ragged row {l}");
            assert!(!l.contains("NaN"), "NaN in {l}");
        }
    }

    #[test]
    fn unknown_numbers_are_empty_cells() {
        let s = settings();
        let mut sys = System::new(s.clone());
        sys.run_until(SimTime::from_secs_f64(1.0));
        let mut w = sys.windows()[0].clone();
        w.t_s = 2.5;
        w.wait.p50 = f64::NAN;
        let cols = columns(&s);
        let cell = |name: &str| {
            let c = cols.iter().find(|c| c.name == name).expect("column");
            c.cell(&w)
        };
        assert_eq!(cell("t_s"), "2.5");
        assert_eq!(cell("wait_p50"), "");
    }
}
