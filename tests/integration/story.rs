//! Authoring the story in the host: seeking replays to exactly the state a
//! live run had (solo and with twins), with progress and Cancel; timeline
//! and text edits are document edits that Save writes and reload keeps.

use asynclab::host::{
    Command, HostCore, ScriptedEvent, Snapshot, Target, TimelineEdit, scripted_events,
};
use asynclab::scenario::{Change, Mode, Scenario};
use asynclab::sim::Window;
use std::time::Duration;

/// A small, busy scene of a minute.
fn scene() -> Scenario {
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = 150.0;
    s.settings.timeline.clear();
    s.duration_s = 60.0;
    s.view.speed = asynclab::scenario::StartSpeed::Times(1.0);
    s
}

fn json<T: serde::Serialize>(x: &T) -> String {
    serde_json::to_string(x).expect("serialises")
}

fn connections(n: f64) -> Change {
    Change::Set {
        path: "database.connections".into(),
        value: n,
    }
}

/// Every run's windows (one list when solo) taken from `snap`.
fn take(snap: Snapshot, into: &mut [Vec<Window>]) {
    for (k, t) in snap.runs.into_iter().enumerate() {
        into[k].extend(t.new_windows);
    }
}

/// What a run looks like at its time: every twin's ledgers, totals,
/// markers and live settings.
fn state(core: &HostCore) -> Vec<String> {
    core.twins()
        .twins()
        .iter()
        .map(|t| {
            let sys = t.system();
            // A replay holds the live changes as scripted ones; the
            // settings themselves must be the same.
            let mut settings = sys.settings().clone();
            settings.timeline.clear();
            format!(
                "{} {} {} {:?} {}",
                t.now().as_secs_f64(),
                json(&sys.ledgers()),
                json(&sys.totals()),
                sys.markers(),
                json(&settings),
            )
        })
        .collect()
}

/// A live session at 1× on an unbounded budget: live changes at 10 s
/// and 20 s (for twin 1 too when comparing), up to `until` s.
fn session(compare: bool, until: f64) -> (HostCore, Vec<Vec<Window>>) {
    let mut core = HostCore::new(scene(), None);
    if compare {
        core.handle(Command::SetCompare(true), Duration::ZERO);
    }
    let n = core.twins().len();
    let mut ws = vec![Vec::new(); n];
    let at = |core: &mut HostCore, t: f64, ws: &mut Vec<Vec<Window>>| {
        core.tick(Duration::from_secs_f64(t));
        take(core.snapshot_keeping(vec![Vec::new(); n]), ws);
    };
    for (t, cmd) in [
        (10.0, Command::Apply(connections(3.0))),
        (
            20.0,
            if compare {
                Command::ApplyTo(connections(12.0), Target::Twin(1))
            } else {
                Command::Apply(Change::SetMode {
                    endpoint: None,
                    mode: Mode::Async,
                })
            },
        ),
    ] {
        if t > until {
            break;
        }
        at(&mut core, t, &mut ws);
        core.handle(cmd, Duration::from_secs_f64(t));
    }
    at(&mut core, until, &mut ws);
    (core, ws)
}

/// Back to `to_s` after a session to 40 s: the windows replayed equal the
/// live ones up to there, and the state equals a session stopped there.
fn seek_back_equals_straight_run(compare: bool, to_s: f64) {
    let (mut core, live) = session(compare, 40.0);
    let run = core.run_id();
    core.handle(Command::Seek(to_s), Duration::from_secs(40));
    core.tick(Duration::from_secs(40));
    assert_ne!(core.run_id(), run, "a seek back replays from zero");
    let n = core.twins().len();
    let snap = core.snapshot_keeping(vec![Vec::new(); n]);
    assert!(snap.seek.is_none(), "arrived");
    assert!(!snap.playing, "paused where it landed");
    assert_eq!(snap.now_s, to_s);
    let mut got = vec![Vec::new(); n];
    take(snap, &mut got);
    for k in 0..n {
        let want: Vec<&Window> = live[k].iter().filter(|w| w.t_s <= to_s).collect();
        assert_eq!(got[k].len(), want.len(), "twin {k}");
        assert_eq!(json(&got[k]), json(&want), "twin {k}: windows");
    }
    let (straight, _) = session(compare, to_s);
    assert_eq!(state(&core), state(&straight), "ledgers, totals, settings");
}

#[test]
fn seek_back_lands_where_a_straight_run_was_solo() {
    seek_back_equals_straight_run(false, 15.0);
    seek_back_equals_straight_run(false, 25.0);
}

#[test]
fn seek_back_lands_where_a_straight_run_was_with_twins() {
    seek_back_equals_straight_run(true, 15.0);
    seek_back_equals_straight_run(true, 33.5);
}

/// After a seek back, the live changes recorded later replay when the run
/// gets there: playing on from the seek equals the session.
#[test]
fn after_a_seek_the_rest_of_the_recording_replays() {
    for compare in [false, true] {
        let (mut core, live) = session(compare, 40.0);
        core.handle(Command::Seek(5.0), Duration::from_secs(40));
        core.tick(Duration::from_secs(40));
        core.handle(Command::Seek(40.0), Duration::from_secs(40));
        core.tick(Duration::from_secs(40));
        let n = core.twins().len();
        let mut got = vec![Vec::new(); n];
        take(core.snapshot_keeping(vec![Vec::new(); n]), &mut got);
        assert_eq!(json(&got), json(&live), "compare {compare}");
        let (straight, _) = session(compare, 40.0);
        assert_eq!(state(&core), state(&straight));
    }
}

/// Forward with nothing edited the run simply goes on (same run id).
#[test]
fn seek_forward_runs_on() {
    let (mut core, _) = session(false, 5.0);
    let run = core.run_id();
    core.handle(Command::Seek(8.0), Duration::from_secs(5));
    core.tick(Duration::from_secs(5));
    assert_eq!(core.run_id(), run);
    let (straight, _) = session(false, 8.0);
    assert_eq!(state(&core), state(&straight));
}

#[test]
fn a_long_seek_shows_progress_and_cancels_where_it_got() {
    let mut s = scene();
    s.duration_s = 2_000.0;
    let budget = asynclab::host::Budget {
        limit: asynclab::host::TICK_BUDGET,
        clock: Box::new(crate::kit::Ticking::default()),
    };
    let mut core = HostCore::new(s, Some(budget));
    core.handle(Command::Pause, Duration::ZERO);
    core.handle(Command::Seek(1_500.0), Duration::ZERO);
    core.tick(Duration::from_millis(16));
    let snap = core.snapshot();
    let seek = snap.seek.expect("still seeking after one tick");
    assert_eq!(seek.to_s, 1_500.0);
    let done = seek.done(snap.now_s);
    assert!(done > 0.0 && done < 1.0, "{done}");
    core.tick(Duration::from_millis(32));
    let later = core.snapshot().now_s;
    assert!(later > snap.now_s, "each tick moves on");
    core.handle(Command::CancelSeek, Duration::from_millis(40));
    core.tick(Duration::from_millis(48));
    let snap = core.snapshot();
    assert!(snap.seek.is_none() && !snap.playing);
    assert_eq!(snap.now_s, later, "stopped where it got");
    // Again, to the end: many ticks, none over its budget, then there.
    core.handle(Command::Seek(1_500.0), Duration::from_millis(50));
    let mut ticks = 0;
    while core.snapshot().seek.is_some() {
        ticks += 1;
        core.tick(Duration::from_millis(50 + 16 * ticks));
        assert!(ticks < 100_000, "never arrived");
    }
    assert!(ticks > 3, "{ticks} ticks");
    assert_eq!(core.snapshot().now_s, 1_500.0);
}

fn caption(at_s: f64, text: &str) -> ScriptedEvent {
    ScriptedEvent {
        mode: None,
        at_s,
        change: Change::Caption(text.into()),
        variant: None,
        enabled: true,
    }
}

/// An edit waits for the next seek or restart; a seek plays it.
#[test]
fn timeline_edits_play_from_the_next_seek() {
    let (mut core, _) = session(false, 12.0);
    let switch = ScriptedEvent {
        mode: None,
        at_s: 6.0,
        change: Change::SetMode {
            endpoint: None,
            mode: Mode::Async,
        },
        variant: None,
        enabled: true,
    };
    core.handle(
        Command::EditTimeline(TimelineEdit::Add(switch.clone())),
        Duration::from_secs(12),
    );
    let snap = core.snapshot();
    assert!(snap.dirty && snap.script_pending);
    assert_eq!(
        snap.first().live.endpoints[0].mode,
        Mode::Sync,
        "run unchanged"
    );
    assert_eq!(scripted_events(&snap.edited), [switch]);
    core.handle(Command::Seek(12.0), Duration::from_secs(12));
    core.tick(Duration::from_secs(12));
    let snap = core.snapshot();
    assert!(!snap.script_pending);
    assert_eq!(snap.first().live.endpoints[0].mode, Mode::Async);
    assert_eq!(
        snap.first().live.database.connections,
        3,
        "live change replayed"
    );
    assert!(snap.first().markers.iter().any(|m| m.t_s == 6.0));
    // The recording holds both the edit and the live change.
    assert_eq!(snap.recording.settings.timeline.len(), 2);
}

#[test]
fn a_disabled_event_survives_save_and_load_and_never_plays() {
    let mut core = HostCore::new(scene(), None);
    let ev = caption(2.0, "switched off");
    let w = Duration::ZERO;
    core.handle(Command::EditTimeline(TimelineEdit::Add(ev.clone())), w);
    let off = ScriptedEvent {
        enabled: false,
        ..ev.clone()
    };
    let edit = TimelineEdit::Replace {
        old: ev,
        new: off.clone(),
    };
    core.handle(Command::EditTimeline(edit), w);
    let lesson = "Queues absorb bursts.".to_string();
    let watch = "The backlog line.".to_string();
    let texts = Command::EditTexts {
        lesson: lesson.clone(),
        watch: watch.clone(),
    };
    core.handle(texts, w);
    let snap = core.snapshot();
    assert!(snap.last_error.is_none(), "{:?}", snap.last_error);
    let text = snap.edited.to_ron().expect("ron");
    assert!(text.contains("disabled_timeline"), "{text}");
    assert!(text.contains(&format!("version: {}", asynclab::scenario::FORMAT_VERSION)));
    let back = Scenario::from_ron(&text, "saved.ron").expect("loads");
    assert_eq!(back, *snap.edited, "round trip");
    assert_eq!(scripted_events(&back), [off]);
    assert_eq!(
        (back.lesson.as_str(), back.watch.as_str()),
        (&*lesson, &*watch)
    );
    let mut core = HostCore::new(back, None);
    core.tick(Duration::from_secs(5));
    assert!(core.system().markers().is_empty(), "never plays");
    // A version-4 file has no such field and loads as before.
    let v4 = "(version: 4, title: \"v4\")";
    assert!(
        Scenario::from_ron(v4, "v4.ron")
            .expect("v4")
            .disabled
            .is_empty()
    );
    // A disabled event naming no variant of the scene is refused.
    let bad = "(version: 5, title: \"x\", disabled_timeline: [(at_s: 1, change: OutageEnd, variant: Some(\"nope\"))])";
    let e = Scenario::from_ron(bad, "bad.ron").expect_err("refused");
    assert!(
        e.to_string().contains("disabled_timeline[0].variant"),
        "{e}"
    );
}

/// A refused edit changes nothing and says why.
#[test]
fn a_refused_edit_says_why() {
    let mut core = HostCore::new(scene(), None);
    let bad = ScriptedEvent {
        change: connections(-1.0),
        ..caption(1.0, "")
    };
    core.handle(
        Command::EditTimeline(TimelineEdit::Add(bad)),
        Duration::ZERO,
    );
    let snap = core.snapshot();
    assert!(!snap.dirty);
    let e = snap.last_error.expect("a reason");
    assert!(e.contains("timeline[0].change.value = -1"), "{e}");
}

/// A switched-off change takes the caption that tells of it along (within
/// 5 s after it), as a skipped one does: Slow database with its 4:00
/// ASYNC switch off never says "ASYNC: the server answers…" while SYNC,
/// headless and in the live host, after a jump past it too.
#[test]
fn a_disabled_change_drops_its_caption() {
    use asynclab::scenario::DisabledEvent;
    let mut s = asynclab::scenario::builtin("02-slow-database.ron")
        .expect("built in")
        .expect("valid");
    let at = s
        .settings
        .timeline
        .iter()
        .position(|e| matches!(e.change, Change::SetMode { .. }))
        .expect("the 4:00 switch");
    let off = s.settings.timeline.remove(at);
    s.disabled.push(DisabledEvent {
        mode: None,
        at_s: off.at_s,
        change: off.change,
        variant: None,
    });
    let captions = |markers: &[asynclab::sim::Marker]| -> Vec<String> {
        markers
            .iter()
            .filter_map(|m| match &m.change {
                Change::Caption(c) => Some(c.clone()),
                _ => None,
            })
            .collect()
    };
    let mut sys = asynclab::sim::System::new(s.clone());
    sys.run_until(asynclab::sim::SimTime::from_secs_f64(300.0));
    let said = captions(sys.markers());
    assert!(!said.iter().any(|c| c.starts_with("ASYNC")), "{said:?}");
    assert!(
        said.iter().any(|c| c.starts_with("Traffic passes 100/s")),
        "{said:?}"
    );
    // Live: jump past 4:00.
    let mut core = HostCore::new(s, None);
    core.handle(Command::Seek(300.0), Duration::ZERO);
    for k in 1..200 {
        core.tick(Duration::from_millis(50 * k));
    }
    let snap = core.snapshot();
    assert!(snap.now_s >= 299.0, "jumped to {}", snap.now_s);
    let said = captions(&snap.first().markers);
    assert!(!said.iter().any(|c| c.starts_with("ASYNC")), "{said:?}");
}
