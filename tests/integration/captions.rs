//! Captions belong to what they narrate: a caption that states the mode it
//! describes is left out while the run is in the other mode (solo, after
//! the presenter's switch; comparing, in the twin that holds the other
//! mode), and a presenter's switch that comes a moment after the script's
//! is taken as theirs, not as its undoing.

use asynclab::host::{Command, HostCore, Snapshot, Speed};
use asynclab::scenario::{Change, Mode, Scenario};
use asynclab::sim::{Marker, SimTime, System};
use std::time::Duration;

fn slow_database() -> Scenario {
    asynclab::scenario::builtin("02-slow-database.ron")
        .expect("built in")
        .expect("valid")
}

fn all(mode: Mode) -> Change {
    Change::SetMode {
        endpoint: None,
        mode,
    }
}

/// The captions a run said (not skipped), in order.
fn said(markers: &[Marker]) -> Vec<String> {
    markers
        .iter()
        .filter(|m| !m.skipped)
        .filter_map(|m| match &m.change {
            Change::Caption(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

fn mode_of(snap: &Snapshot) -> Mode {
    snap.first().live.endpoints[0].mode
}

/// Slow database's captions state their modes, and a run in the other mode
/// leaves them out: switched to ASYNC at 0:30, the 0:47 "Users queue
/// behind it" is skipped (its marker kept) while 8:00 "the workers drain
/// the backlog" is said; a run kept SYNC by hand never says "ASYNC: ..."
/// nor that workers drain a backlog. The run as shipped says every
/// caption.
#[test]
fn a_caption_for_the_other_mode_is_left_out() {
    let s = slow_database();
    let mode_of_caption = |text: &str| {
        s.settings
            .timeline
            .iter()
            .find(|e| matches!(&e.change, Change::Caption(c) if c.starts_with(text)))
            .and_then(|e| e.mode)
    };
    assert_eq!(mode_of_caption("Traffic passes"), Some(Mode::Sync));
    assert_eq!(mode_of_caption("ASYNC:"), Some(Mode::Async));

    let mut shipped = System::new(s.clone());
    shipped.run_until(SimTime::from_secs(600));
    assert_eq!(
        said(shipped.markers()).len(),
        4,
        "{:?}",
        said(shipped.markers())
    );

    let mut early = System::new(s.clone());
    early.run_until(SimTime::from_secs(30));
    early.apply(all(Mode::Async)).expect("applies");
    early.run_until(SimTime::from_secs(600));
    let words = said(early.markers());
    assert!(
        !words.iter().any(|c| c.contains("Users queue")),
        "{words:?}"
    );
    assert!(
        words.iter().any(|c| c.contains("workers drain")),
        "{words:?}"
    );
    let skipped = early
        .markers()
        .iter()
        .find(|m| matches!(&m.change, Change::Caption(c) if c.contains("Users queue")))
        .expect("its marker stays");
    assert!(skipped.skipped && skipped.mode == Some(Mode::Sync));

    let mut kept_sync = System::new(s);
    kept_sync.run_until(SimTime::from_secs(100));
    kept_sync.apply(all(Mode::Sync)).expect("applies");
    kept_sync.run_until(SimTime::from_secs(600));
    let words = said(kept_sync.markers());
    assert!(!words.iter().any(|c| c.contains("ASYNC")), "{words:?}");
    assert!(
        !words.iter().any(|c| c.contains("workers drain")),
        "{words:?}"
    );
}

/// The caption line never states what is no longer so: "Light load: a
/// sync save takes about 100 ms" leaves it once the presenter switches to
/// ASYNC.
#[test]
fn the_caption_line_drops_a_caption_once_the_run_leaves_its_mode() {
    let mut core = HostCore::new(slow_database(), None);
    core.handle(Command::SetSpeed(Speed::Times(1.0)), Duration::ZERO);
    core.handle(Command::Play, Duration::ZERO);
    core.tick(Duration::from_secs(8));
    let snap = core.snapshot();
    let (_, text) = snap.caption.expect("the 0:05 caption");
    assert!(text.starts_with("Light load"), "{text}");
    core.handle(Command::Apply(all(Mode::Async)), Duration::from_secs(8));
    core.tick(Duration::from_secs(9));
    let snap = core.snapshot();
    assert_eq!(mode_of(&snap), Mode::Async);
    assert_eq!(snap.caption, None, "a sync caption while ASYNC");
}

/// Comparing, the caption line shows the scene's captions, marked with
/// the twin that holds the mode they describe.
#[test]
fn comparing_the_caption_line_names_the_twin_a_caption_holds_for() {
    let mut s = slow_database();
    s.view.compare = true;
    let mut core = HostCore::new(s, None);
    core.handle(Command::SetSpeed(Speed::Times(10.0)), Duration::ZERO);
    core.handle(Command::Play, Duration::ZERO);
    core.tick(Duration::from_millis(4_900));
    let snap = core.snapshot();
    assert!(snap.compare && snap.runs.len() == 2);
    let (_, text) = snap.caption.expect("the 0:47 caption");
    assert_eq!(
        text,
        "Traffic passes 100/s, the database's limit. Users queue behind it. (in sync)"
    );
    core.tick(Duration::from_millis(24_300));
    let (_, text) = core.snapshot().caption.expect("the 4:01 caption");
    assert_eq!(
        text,
        "ASYNC: the server answers 'accepted' and queues the write. (in async)"
    );
}

/// Runs Slow database at 10× until just after its 4:00 switch to ASYNC
/// (wall 24.05 s).
fn just_after_the_switch() -> HostCore {
    let mut core = HostCore::new(slow_database(), None);
    core.handle(Command::SetSpeed(Speed::Times(10.0)), Duration::ZERO);
    core.handle(Command::Play, Duration::ZERO);
    let mut wall = Duration::ZERO;
    while wall < Duration::from_millis(24_050) {
        wall += Duration::from_millis(50);
        core.tick(wall);
    }
    assert_eq!(mode_of(&core.snapshot()), Mode::Async);
    core
}

/// At 10× the script's 4:00 switch comes 0.6 s of wall time before the
/// presenter's A (which the app sends as "all SYNC": the run is ASYNC by
/// then): it is taken as the presenter's own switch to ASYNC, the caption
/// line says so, and a second A switches to SYNC. Seconds later, A does
/// what it says at once.
#[test]
fn a_switch_a_moment_after_the_scripts_keeps_its_mode() {
    let mut core = just_after_the_switch();
    let wall = Duration::from_millis(24_650);
    core.handle(Command::Apply(all(Mode::Sync)), wall);
    core.tick(wall);
    let snap = core.snapshot();
    assert_eq!(mode_of(&snap), Mode::Async, "not flipped back to SYNC");
    let (_, cue) = snap.caption.expect("a cue");
    assert!(
        cue.contains("save order → ASYNC came 0.")
            && cue.contains("s before your switch: kept ASYNC (switch again for SYNC)"),
        "{cue}"
    );
    // The setting is the presenter's: a replay of the recording agrees.
    assert!(
        core.system().hand_changes().contains(&all(Mode::Async)),
        "{:?}",
        core.system().hand_changes()
    );
    core.handle(
        Command::Apply(all(Mode::Sync)),
        Duration::from_millis(25_000),
    );
    core.tick(Duration::from_millis(25_050));
    assert_eq!(mode_of(&core.snapshot()), Mode::Sync);

    let mut core = just_after_the_switch();
    core.handle(
        Command::Apply(all(Mode::Sync)),
        Duration::from_millis(28_000),
    );
    core.tick(Duration::from_millis(28_050));
    let snap = core.snapshot();
    assert_eq!(mode_of(&snap), Mode::Sync, "long after the script's switch");
}

/// A caption's mode is written in version 6, kept when the Timeline panel
/// switches the caption off and on again, and refused on anything but a
/// caption, with its field path.
#[test]
fn a_captions_mode_is_kept_and_checked() {
    use asynclab::host::{TimelineEdit, scripted_events};
    let mut s = slow_database();
    let text = s.to_ron().expect("serialises");
    assert!(text.contains("mode: Some(Sync)"), "written: {text}");
    let caption = scripted_events(&s)
        .into_iter()
        .find(|e| matches!(&e.change, Change::Caption(c) if c.contains("Users queue")))
        .expect("the 0:47 caption");
    assert_eq!(caption.mode, Some(Mode::Sync));
    let off = asynclab::host::ScriptedEvent {
        enabled: false,
        ..caption.clone()
    };
    TimelineEdit::Replace {
        old: caption.clone(),
        new: off.clone(),
    }
    .apply(&mut s)
    .expect("switched off");
    assert_eq!(s.disabled[0].mode, Some(Mode::Sync));
    TimelineEdit::Replace {
        old: off,
        new: caption,
    }
    .apply(&mut s)
    .expect("switched on");
    assert!(
        s.settings
            .timeline
            .iter()
            .any(|e| e.mode == Some(Mode::Sync)
                && matches!(&e.change, Change::Caption(c) if c.contains("Users queue")))
    );

    let bad = r#"(version: 6, title: "x", clients: [(name: "a")],
        timeline: [(at_s: 5, change: OutageEnd, mode: Some(Async))])"#;
    let e = Scenario::from_ron(bad, "bad.ron").expect_err("refused");
    assert!(e.to_string().contains("timeline[0].mode"), "{e}");
}
