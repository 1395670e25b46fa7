//! What tests and benchmarks read of the app, in one place: the host's
//! snapshot (read-only: commands go through [`AsyncLabApp::apply`], the
//! action funnel), the plot histories, dialogs and preferences.

use super::history::History;
use super::{AppAction, AsyncLabApp, Prefs, compare, recovery};
use crate::host::{Host, Snapshot};
use std::path::Path;
use std::sync::MutexGuard;

/// A read-only look at the app's host: what it published, nothing that
/// commands it.
pub struct HostView<'a>(&'a Host);

impl<'a> HostView<'a> {
    /// Locks the latest snapshot (never hold two at once).
    pub fn snapshot(&self) -> MutexGuard<'a, Snapshot> {
        self.0.snapshot()
    }
}

impl AsyncLabApp {
    /// Whether the diagram presentation mode folded is shown all the same
    /// (its key, D; tests).
    pub fn folded_diagram_shown(&self) -> bool {
        self.fit.diagram_shown_anyway()
    }

    /// Whether full screen is wanted (F11, View menu; tests).
    pub fn fullscreen(&self) -> bool {
        self.window.fullscreen
    }

    /// The recovery file (tests).
    pub fn recovery(&self) -> &recovery::Recovery {
        &self.recovery
    }

    /// The host, read-only: its snapshot. Commands go through
    /// [`AsyncLabApp::apply`], the one place that sends them.
    pub fn host(&self) -> HostView<'_> {
        HostView(&self.host)
    }

    /// Benchmarks: ticks a manual host (without a frame) and takes its
    /// snapshot, new windows and all.
    pub fn pump_host(&mut self) -> Snapshot {
        self.host.pump();
        self.host.take_snapshot()
    }

    /// The plot history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Text of the error dialog, if one is open.
    pub fn error(&self) -> Option<&str> {
        self.messages.error.as_deref()
    }

    /// The scene file the app is on.
    pub fn path(&self) -> Option<&Path> {
        self.files.path.as_deref()
    }

    /// Preferences (theme, scale, presentation).
    pub fn prefs(&self) -> &Prefs {
        &self.files.prefs
    }

    /// Whether the help window is open.
    pub fn help_open(&self) -> bool {
        self.help.open
    }

    /// Sets the plots' time span, s of sim time.
    pub fn set_span_s(&mut self, span_s: f64) {
        self.apply(AppAction::SetSpan(span_s));
    }

    /// True while a scene file is being read in the background.
    pub fn loading(&self) -> bool {
        self.files.is_loading()
    }

    /// The compare view (per-twin histories, plot layout).
    pub fn compare_view(&self) -> &compare::CompareView {
        &self.compare
    }

    /// The compare view, mutable (benchmarks fill the twins' histories).
    pub fn compare_view_mut(&mut self) -> &mut compare::CompareView {
        &mut self.compare
    }

    /// Frames drawn so far.
    pub fn frames(&self) -> u64 {
        self.window.frames
    }

    /// Adds closed windows to the history (benchmarks fill an hour at once).
    pub fn ingest(&mut self, windows: &[crate::sim::Window], window_s: f64) {
        for w in windows {
            self.history.push(w, window_s);
        }
    }
}
