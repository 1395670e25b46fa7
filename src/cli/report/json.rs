//! The run as one JSON object, for scripts.

use super::RunReport;
use crate::sim::Settings;

/// One JSON object: scenario identity (`scene` is the file as given on the
/// command line), summary, both ledgers and the run's speed. serde_json
/// writes non-finite floats (NaN quantiles with too few samples) as `null`.
pub fn json_value(r: &RunReport, s: &Settings, scene: &str) -> serde_json::Value {
    serde_json::json!({
        "scenario": {
            "file": scene,
            "title": r.title,
            "seed": r.seed,
            "duration_s": r.duration_s,
            "clients": s.clients.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            "endpoints": s.endpoints.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        },
        "summary": r.summary,
        "ledgers": r.ledgers,
        "ledgers_balanced": r.balance.is_ok(),
        "ledger_problem": r.balance.as_ref().err(),
        "dead_letters": r.ledgers.work.dead_lettered,
        "events": r.events,
        "wall_s": r.wall_s(),
        "events_per_s": r.events_per_s(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn json_writes_nan_as_null() {
        let v = serde_json::json!({ "x": f64::NAN });
        assert_eq!(v.to_string(), r#"{"x":null}"#);
    }

    #[test]
    fn json_keeps_every_top_level_key() {
        let r = RunReport {
            title: "t".into(),
            seed: 1,
            duration_s: 2.0,
            summary: Default::default(),
            ledgers: Default::default(),
            balance: Err("off by one".into()),
            events: 10,
            wall: Duration::from_secs(2),
            measured: Default::default(),
        };
        let v = json_value(&r, &Settings::default(), "scene.ron");
        let mut keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(|k| k.as_str())
            .collect();
        // Sorted: the key order depends on serde_json's features.
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "dead_letters",
                "events",
                "events_per_s",
                "ledger_problem",
                "ledgers",
                "ledgers_balanced",
                "scenario",
                "summary",
                "wall_s",
            ]
        );
        assert_eq!(v["ledger_problem"], "off by one");
        assert_eq!(v["events_per_s"], 5.0);
        assert_eq!(v["scenario"]["file"], "scene.ron");
    }
}
