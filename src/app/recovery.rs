//! The recovery file: the edited scene on disk a few seconds behind the
//! user, so a crash, a killed process or a power cut loses almost nothing.
//!
//! - Each running app has its own file, `<id>.ron` in the recovery folder,
//!   and holds an exclusive lock on `<id>.lock` for as long as it runs (the
//!   system drops the lock when the process dies, however it dies).
//! - While the scene has unsaved edits, the file holds the scene as
//!   loaded, the scene as edited (timeline, texts, every live change as the
//!   setting it left) and the scene's path. It is rewritten at most every
//!   [`WRITE_EVERY_S`] while knobs move, and at once after a structural
//!   edit (timeline, texts, reset, restore). Writes are atomic and happen
//!   on a thread of their own, never on the UI thread.
//! - A save (or an edit that brings the scene back to the file) removes
//!   it; so does quitting cleanly.
//! - At start, a file whose lock nobody holds belongs to an app that did
//!   not exit cleanly: the app offers to restore it. Declined, it stays
//!   until this app exits cleanly.

use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Longest a recovery file lags behind knob changes, s of wall time.
pub const WRITE_EVERY_S: f64 = 2.0;

/// Version of the recovery file's own layout.
const LAYOUT: u32 = 1;

/// What a recovery file holds.
#[derive(Serialize, Deserialize)]
struct Stored {
    layout: u32,
    /// When it was written, s since the Unix epoch.
    written_unix_s: u64,
    /// The scene's file, if it has one.
    path: Option<PathBuf>,
    /// The scene as loaded or last saved, in the scene file format.
    file: String,
    /// The scene as edited, in the scene file format.
    edited: String,
}

/// Unsaved work left behind by an app that did not exit cleanly.
pub struct Found {
    /// The recovery file.
    pub path: PathBuf,
    /// When it was written, s since the Unix epoch.
    pub written_unix_s: u64,
    /// The scene's file, if it had one.
    pub scene_path: Option<PathBuf>,
    /// The scene as loaded or last saved.
    pub file: Scenario,
    /// The scene as edited.
    pub edited: Scenario,
    /// The dead app's lock, held now by this app (so a third app started
    /// meanwhile does not offer the same work).
    _lock: File,
    lock_path: PathBuf,
}

impl Found {
    /// "written at 14:32:10 UTC, 3 minutes ago".
    pub fn when(&self) -> String {
        let now = unix_now();
        let day = self.written_unix_s % 86_400;
        let clock = format!(
            "{:02}:{:02}:{:02} UTC",
            day / 3600,
            day % 3600 / 60,
            day % 60
        );
        let ago = now.saturating_sub(self.written_unix_s);
        let ago = match ago {
            0..60 => "less than a minute ago".to_string(),
            60..7200 => format!("{} minutes ago", ago / 60),
            7200..172_800 => format!("{} hours ago", ago / 3600),
            _ => format!("{} days ago", ago / 86_400),
        };
        format!("written at {clock}, {ago}")
    }
}

enum Job {
    Write {
        to: PathBuf,
        stored: Box<StoredScenes>,
    },
    Remove(Vec<PathBuf>),
    Flush(std::sync::mpsc::SyncSender<()>),
}

/// The scenes to write, serialised on the writer thread.
struct StoredScenes {
    path: Option<PathBuf>,
    file: Arc<Scenario>,
    edited: Arc<Scenario>,
}

/// This app's recovery file and what it found at start.
pub struct Recovery {
    /// This app's file, and its lock (held while the app runs).
    own: Option<Own>,
    /// The edited scene last written (by identity: the host shares one
    /// `Arc` until the document changes).
    written: Option<Arc<Scenario>>,
    /// Wall time of the last write, s.
    last_write_s: f64,
    /// The next change is written at once (a structural edit was sent).
    urgent: bool,
    /// Work of dead apps, newest first; the first is offered.
    pub found: Vec<Found>,
    /// Files restored or declined: removed once this app's own file is
    /// written (restored) or at clean exit (declined).
    after_write: Vec<PathBuf>,
    declined: Vec<PathBuf>,
    /// The last problem writing, for the status line (once).
    pub problem: Option<String>,
}

struct Own {
    file: PathBuf,
    lock_path: PathBuf,
    _lock: File,
    writer: Sender<Job>,
    problems: std::sync::mpsc::Receiver<String>,
}

impl Recovery {
    /// No recovery file (tests that do not ask for one).
    pub fn off() -> Recovery {
        Recovery {
            own: None,
            written: None,
            last_write_s: f64::NEG_INFINITY,
            urgent: false,
            found: Vec::new(),
            after_write: Vec::new(),
            declined: Vec::new(),
            problem: None,
        }
    }

    /// This app's recovery file in `dir` (created if needed), and the work
    /// other apps left there. A folder that cannot be used turns recovery
    /// off and says why in [`Recovery::problem`].
    pub fn in_dir(dir: &Path) -> Recovery {
        let mut r = Recovery::off();
        match claim(dir) {
            Ok(own) => r.own = Some(own),
            Err(e) => {
                r.problem = Some(format!(
                    "no recovery file: cannot use {} ({e})",
                    dir.display()
                ));
                return r;
            }
        }
        r.found = scan(dir, r.own.as_ref().map(|o| o.file.as_path()));
        r
    }

    /// The recovery folder of the installed app (beside its preferences).
    pub fn default_dir() -> Option<PathBuf> {
        eframe::storage_dir("AsyncLab").map(|d| d.join("recovery"))
    }

    /// This app's recovery file, if recovery is on.
    pub fn file(&self) -> Option<&Path> {
        self.own.as_ref().map(|o| o.file.as_path())
    }

    /// The next edit is written at once (a timeline or text edit, a reset,
    /// a restore).
    pub fn soon(&mut self) {
        self.urgent = true;
    }

    /// Keeps the file in step with the document, once a frame: `edited`
    /// and `file` as the host shares them, `dirty` when they differ,
    /// `now_s` the wall clock. Returns how long until a pending write is
    /// due (the caller asks for a frame then).
    pub fn track(
        &mut self,
        edited: &Arc<Scenario>,
        file: &Arc<Scenario>,
        dirty: bool,
        path: Option<&Path>,
        now_s: f64,
    ) -> Option<Duration> {
        let own = self.own.as_ref()?;
        if let Ok(problem) = own.problems.try_recv() {
            self.problem = Some(problem);
        }
        if !dirty {
            self.urgent = false;
            if self.written.take().is_some() {
                let _ = own.writer.send(Job::Remove(vec![own.file.clone()]));
            }
            return None;
        }
        if self
            .written
            .as_ref()
            .is_some_and(|w| Arc::ptr_eq(w, edited))
        {
            return None;
        }
        let wait = self.last_write_s + WRITE_EVERY_S - now_s;
        if !self.urgent && wait > 0.0 {
            return Some(Duration::from_secs_f64(wait.min(WRITE_EVERY_S)));
        }
        let stored = StoredScenes {
            path: path.map(Path::to_path_buf),
            file: file.clone(),
            edited: edited.clone(),
        };
        let _ = own.writer.send(Job::Write {
            to: own.file.clone(),
            stored: Box::new(stored),
        });
        if !self.after_write.is_empty() {
            let _ = own
                .writer
                .send(Job::Remove(std::mem::take(&mut self.after_write)));
        }
        self.written = Some(edited.clone());
        self.last_write_s = now_s;
        self.urgent = false;
        None
    }

    /// Takes the offered work to restore it: its files are removed once
    /// this app has written the work to its own file.
    pub fn take_offer(&mut self) -> Option<Found> {
        if self.found.is_empty() {
            return None;
        }
        let f = self.found.remove(0);
        self.after_write.push(f.path.clone());
        self.after_write.push(f.lock_path.clone());
        self.urgent = true;
        Some(f)
    }

    /// Declines the offered work: it stays on disk until this app exits
    /// cleanly.
    pub fn decline(&mut self) {
        if self.found.is_empty() {
            return;
        }
        let f = self.found.remove(0);
        self.declined.push(f.path.clone());
        self.declined.push(f.lock_path.clone());
    }

    /// Waits until every write and removal asked so far is done (tests,
    /// and a clean exit).
    pub fn flush(&self) {
        if let Some(own) = &self.own {
            let (tx, rx) = std::sync::mpsc::sync_channel(1);
            if own.writer.send(Job::Flush(tx)).is_ok() {
                let _ = rx.recv_timeout(Duration::from_secs(10));
            }
        }
    }

    /// A clean exit: declined work goes, and this app's own file too
    /// unless it still holds unsaved edits the user did not discard
    /// (`keep_own`): then it stays, to be offered next time.
    pub fn exit(&mut self, keep_own: bool) {
        let Some(own) = &self.own else { return };
        let mut gone = std::mem::take(&mut self.declined);
        if !keep_own {
            gone.push(own.file.clone());
            gone.push(own.lock_path.clone());
        }
        let _ = own.writer.send(Job::Remove(gone));
        self.flush();
    }
}

/// Seconds since the Unix epoch.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Creates this app's lock in `dir` and starts the writer thread.
fn claim(dir: &Path) -> std::io::Result<Own> {
    std::fs::create_dir_all(dir)?;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let id = format!("app-{}-{nanos}", std::process::id());
    let lock_path = dir.join(format!("{id}.lock"));
    let lock = File::create(&lock_path)?;
    lock.try_lock()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let (writer, jobs) = channel::<Job>();
    let (report, problems) = channel::<String>();
    std::thread::Builder::new()
        .name("asynclab-recovery".into())
        .spawn(move || {
            for job in jobs {
                if let Err(e) = run(job) {
                    let _ = report.send(e);
                }
            }
        })?;
    Ok(Own {
        file: dir.join(format!("{id}.ron")),
        lock_path,
        _lock: lock,
        writer,
        problems,
    })
}

/// Carries out one job on the writer thread.
fn run(job: Job) -> Result<(), String> {
    match job {
        Job::Write { to, stored } => {
            let text = |s: &Scenario| s.to_ron().map_err(|e| e.to_string());
            let stored = Stored {
                layout: LAYOUT,
                written_unix_s: unix_now(),
                path: stored.path,
                file: text(&stored.file)?,
                edited: text(&stored.edited)?,
            };
            let ron = ron::ser::to_string_pretty(&stored, ron::ser::PrettyConfig::new())
                .map_err(|e| e.to_string())?;
            crate::scenario::write_atomic(&to, ron.as_bytes())
                .map_err(|e| format!("could not write the recovery file {}: {e}", to.display()))
        }
        Job::Remove(paths) => {
            for p in paths {
                let _ = std::fs::remove_file(p);
            }
            Ok(())
        }
        Job::Flush(done) => {
            let _ = done.send(());
            Ok(())
        }
    }
}

/// The work of apps that ended without a clean exit: recovery files in
/// `dir` whose lock nobody holds (`own` aside), newest first. Unreadable
/// files are left alone; stale locks without a file are removed.
fn scan(dir: &Path, own: Option<&Path>) -> Vec<Found> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if Some(path.as_path()) == own || path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let lock_path = path.with_extension("lock");
        let Ok(lock) = File::create(&lock_path) else {
            continue;
        };
        if lock.try_lock().is_err() {
            continue; // its app is running
        }
        if let Some(f) = read(&path, lock, lock_path) {
            found.push(f);
        }
    }
    // Locks of apps that died before writing anything.
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "lock")
            && !path.with_extension("ron").exists()
            && File::open(&path).is_ok_and(|l| l.try_lock().is_ok())
        {
            let _ = std::fs::remove_file(&path);
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.written_unix_s));
    found
}

/// A recovery file, if it reads as one.
fn read(path: &Path, lock: File, lock_path: PathBuf) -> Option<Found> {
    let text = crate::scenario::read_text(path).ok()?;
    let stored: Stored = ron::from_str(&text).ok()?;
    if stored.layout != LAYOUT {
        return None;
    }
    let origin = path.display().to_string();
    Some(Found {
        path: path.to_path_buf(),
        written_unix_s: stored.written_unix_s,
        scene_path: stored.path,
        file: Scenario::from_ron(&stored.file, &origin).ok()?,
        edited: Scenario::from_ron(&stored.edited, &origin).ok()?,
        _lock: lock,
        lock_path,
    })
}
