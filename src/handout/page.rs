//! The page: its sections in reading order, one inline style sheet, and
//! every text from the scene escaped.

use super::series::Plot;
use super::svg::{Marker, YAxis, plot_svg, y_axis};
use super::{HandoutRun, tables};
use crate::scenario::{Change, Scenario};
use std::fmt::Write as _;

/// Text made safe for HTML (element content and quoted attributes).
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Screen and print: readable widths, tables that fit, plots that scale.
const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1b1b1b; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
h3 { margin: 1.4rem 0 0.3rem; font-size: 1.05rem; }
.meta, footer, figcaption { color: #666; font-size: 0.9rem; }
.lesson { font-size: 1.1rem; }
figure { margin: 0; } .twins { display: flex; gap: 1rem; } .twins figure { flex: 1; min-width: 0; }
svg { max-width: 100%; height: auto; display: block; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.95rem; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.25rem 0.8rem 0.25rem 0; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #00704f; } .bad { color: #b03000; }
.keys { font-weight: normal; font-size: 0.85rem; margin-left: 0.6rem; }
.key { white-space: nowrap; margin-right: 0.9rem; }
.key i { display: inline-block; width: 18px; height: 3px; vertical-align: middle; margin-right: 0.3rem; }
.key i.dash { height: 0; border-top: 2px dashed #777; }
@media print { h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
";

/// The whole page for `scene` and its runs (one, or several twins).
pub fn page(scene: &Scenario, runs: &[HandoutRun]) -> Result<String, String> {
    let mut o = String::new();
    let title = esc(&scene.title);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}: AsyncLab hand-out</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    let _ = writeln!(o, "<header>\n<h1>{title}</h1>");
    let _ = writeln!(
        o,
        "<p class=\"meta\">An AsyncLab hand-out: {} of simulated time, seed {}. Every number below comes from that run, and the same scene and seed give the same numbers on any machine.</p>\n</header>",
        crate::fmt::span(scene.duration_s),
        scene.settings.seed
    );
    section(&mut o, "lesson", "The lesson");
    let _ = writeln!(o, "<p class=\"lesson\">{}</p>", esc(&scene.lesson));
    if !scene.watch.trim().is_empty() {
        let _ = writeln!(o, "<h3>What to watch</h3>\n<p>{}</p>", esc(&scene.watch));
    }
    section(&mut o, "system", "The system");
    o.push_str(&tables::system(&scene.settings));
    if !scene.settings.timeline.is_empty() {
        section(&mut o, "timeline", "What happens when");
        o.push_str(&tables::timeline(&scene.settings, runs.len() > 1));
    }
    if runs.len() > 1 {
        section(&mut o, "difference", "The difference");
        let figures: Vec<(String, crate::compare::Figures)> = runs
            .iter()
            .map(|r| {
                (
                    r.name.clone(),
                    crate::compare::Figures::of_run(&r.summary, &r.settings),
                )
            })
            .collect();
        let _ = writeln!(
            o,
            "<p>The same users, at the same instants, met {} systems. Over the whole run:</p>\n<ul>",
            runs.len()
        );
        let pair = runs.len() == 2;
        for line in crate::compare::sentences(&figures, crate::compare::Scope::Run) {
            let line = if pair {
                format!("{} vs {}: {line}", runs[0].name, runs[1].name)
            } else {
                line
            };
            let _ = writeln!(o, "<li>{}</li>", esc(&line));
        }
        o.push_str("</ul>\n");
    }
    section(&mut o, "plots", "Plots");
    plots(&mut o, scene, runs)?;
    section(&mut o, "summary", "Summary");
    o.push_str(&tables::summary(runs));
    section(&mut o, "ledgers", "Both ledgers");
    o.push_str(
        "<p>Every user action ends one way as its user saw it, and every request or job ends one way as the system handled it. In async an acknowledged job may still fail later: the users' ledger counts a success, the system's a dead letter. The users' ledger counts each action once, by how its last click ended; the summary's errors count every error a user saw, so an action that failed, was clicked again and failed again counts twice there and once here.</p>\n",
    );
    o.push_str(&tables::ledgers(runs));
    if let Some(goal) = &scene.goal {
        section(&mut o, "goal", "Exercise goal");
        o.push_str(&tables::goal(goal, scene, runs));
    }
    let _ = writeln!(
        o,
        "<footer><p>Made with AsyncLab {} (a discrete-event simulation of a web system going asynchronous).</p></footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    Ok(o)
}

/// A section heading with an anchor.
fn section(o: &mut String, id: &str, title: &str) {
    let _ = writeln!(o, "<h2 id=\"{id}\">{title}</h2>");
}

/// Every plot, one figure per run (twins side by side, on one y scale).
fn plots(o: &mut String, scene: &Scenario, runs: &[HandoutRun]) -> Result<(), String> {
    let markers: Vec<Marker> = scene
        .settings
        .timeline
        .iter()
        .filter(|e| !matches!(e.change, Change::Caption(_)))
        .map(|e| Marker { t_s: e.at_s })
        .collect();
    if !markers.is_empty() {
        o.push_str(
            "<p class=\"meta\">Thin purple lines mark the scripted changes listed above.</p>\n",
        );
    }
    let Some(first) = runs.first() else {
        return Err("no run to show".into());
    };
    for (k, plot) in first.plots.plots.iter().enumerate() {
        let of_runs: Vec<&Plot> = runs.iter().filter_map(|r| r.plots.plots.get(k)).collect();
        let axes: Vec<YAxis> = of_runs.iter().map(|p| y_axis(p)).collect();
        let axis = YAxis::shared(&axes);
        let _ = writeln!(o, "<h3>{} {}</h3>", esc(plot.title), legend(&of_runs));
        o.push_str(if runs.len() > 1 {
            "<div class=\"twins\">\n"
        } else {
            "<div>\n"
        });
        for r in runs {
            let Some(p) = r.plots.plots.get(k) else {
                continue;
            };
            let svg = plot_svg(&r.plots, p, axis, &markers)?;
            o.push_str("<figure>\n");
            if runs.len() > 1 {
                let _ = writeln!(o, "<figcaption>{}</figcaption>", esc(&r.name));
            }
            o.push_str(&svg);
            o.push_str("\n</figure>\n");
        }
        o.push_str("</div>\n");
    }
    Ok(())
}

/// A plot's legend (over its runs: a line shown in any of them), for
/// beside its title: a short stroke in each line's colour and its name,
/// the reference line dashed.
fn legend(runs: &[&Plot]) -> String {
    let mut o = String::from("<span class=\"keys\">");
    let Some(plot) = runs.first() else {
        return String::new();
    };
    let shown = |i: usize| {
        runs.iter()
            .any(|p| p.lines.get(i).is_some_and(|l| l.shown()))
    };
    for (_, l) in plot.lines.iter().enumerate().filter(|(i, _)| shown(*i)) {
        let _ = write!(
            o,
            "<span class=\"key\"><i style=\"background:{}\"></i>{}</span>",
            l.colour,
            esc(&l.name)
        );
    }
    if let Some(r) = &plot.reference {
        let _ = write!(
            o,
            "<span class=\"key\"><i class=\"dash\"></i>{}</span>",
            esc(&r.name)
        );
    }
    o.push_str("</span>");
    o
}
