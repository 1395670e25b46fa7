//! The text of `asynclab scenes` (the built-in scenes) and `asynclab knobs`
//! (a scene's knobs, their paths for `--set`, units, ranges and help).

use crate::scenario::{self, Scenario, knobs};
use std::fmt::Write as _;

/// One line per built-in scene: file name and title.
pub(super) fn scenes_text() -> String {
    let mut o = String::new();
    if scenario::BUILTIN_SCENES.is_empty() {
        let _ = writeln!(o, "(no built-in scenes in this build)");
    }
    for b in scenario::BUILTIN_SCENES {
        let title = match Scenario::from_ron(b.text, b.file) {
            Ok(s) => s.title,
            Err(e) => format!("(does not load: {e})"),
        };
        let _ = writeln!(o, "{:<28} {title}", b.file);
    }
    o
}

/// The scene's knobs by group: path, current value and unit, range, label,
/// and a line of help.
pub(super) fn knobs_text(s: &Scenario) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Knobs of \"{}\" (use with --set PATH=VALUE)", s.title);
    for group in knobs::Group::ALL {
        let ks: Vec<knobs::Knob> = knobs::knobs(&s.settings)
            .into_iter()
            .filter(|k| k.group == group)
            .collect();
        if ks.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{}", group.title());
        for k in ks {
            let value = knobs::get(&s.settings, &k.path)
                .map(|v| format!("{v}"))
                .unwrap_or_else(|_| "?".to_string());
            let unit = if k.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", k.unit)
            };
            let kind = if k.integer { ", whole" } else { "" };
            let _ = writeln!(
                o,
                "  {:<36} = {value}{unit}   [{} … {}{kind}]  {}",
                k.path, k.min, k.max, k.label
            );
            let _ = writeln!(o, "      {}", k.help);
        }
    }
    o
}
