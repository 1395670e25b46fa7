//! The help window: what the app shows, how to read the screen, the keys.

use super::commands::COMMANDS;
use egui::RichText;
use egui::os::OperatingSystem;

/// The help window.
#[derive(Default)]
pub struct Help {
    /// Shown.
    pub open: bool,
}

impl Help {
    /// Draws the window while it is open.
    pub fn ui(&mut self, ctx: &egui::Context) {
        if !self.open {
            return;
        }
        egui::Window::new("Help")
            .open(&mut self.open)
            .default_pos(ctx.content_rect().center())
            .pivot(egui::Align2::CENTER_CENTER)
            .default_width(560.0)
            .show(ctx, |ui| {
                ui.label(HELP);
                ui.add_space(6.0);
                ui.label(RichText::new("Reading the screen").strong());
                table(ui, "reading", READING, |k| RichText::new(k).strong());
                ui.add_space(6.0);
                ui.label(RichText::new("Keys").strong());
                let keys = keys(ctx.os());
                let rows: Vec<(&str, &str)> = keys.iter().map(|(k, h)| (k.as_str(), *h)).collect();
                table(ui, "keys", &rows, |k| RichText::new(k).monospace().strong());
            });
    }
}

/// A two-column table of (name, meaning), names styled by `name`.
fn table(ui: &mut egui::Ui, id: &str, rows: &[(&str, &str)], name: impl Fn(&str) -> RichText) {
    egui::Grid::new(id).show(ui, |ui| {
        for (what, how) in rows {
            ui.label(name(what));
            ui.label(*how);
            ui.end_row();
        }
    });
}

/// The help window's key list on `os`, from the command table: each
/// command's shown keys and what it does.
pub fn keys(os: OperatingSystem) -> Vec<(String, &'static str)> {
    COMMANDS
        .iter()
        .map(|s| (s.command.shortcuts(os), s.help))
        .collect()
}

/// The help window's text (every line of it, for tests that read it),
/// keys as this system names them.
pub fn help_text() -> String {
    let mut t = HELP.to_string();
    for (what, how) in READING {
        t.push_str(&format!("\n{what}: {how}"));
    }
    for (what, how) in keys(OperatingSystem::from_target_os()) {
        t.push_str(&format!("\n{what}: {how}"));
    }
    t
}

const HELP: &str = "AsyncLab shows why going asynchronous rescues a system under load. \
In sync mode a server worker holds each request while the database writes, so a slow \
database makes every user wait and time out. In async mode the server enqueues a job and \
answers at once; queue workers drain the backlog at the database's pace. Flip the mode, \
move the knobs, and watch the wait, the backlog and the two ledgers: what users saw of \
every action, and what became of every request and job (committed, queued, in backoff, \
dead-lettered or rejected). In async a job can be acknowledged to the user and still be \
dead-lettered later: the client may assume success, the system may not.";

const READING: &[(&str, &str)] = &[
    (
        "Boxes",
        "how busy each part is: amber from 80%, red from 95%",
    ),
    ("Dots", "a sample of the traffic, in each client's colour"),
    (
        "User-perceived wait",
        "how long a click takes to get an answer; the dashed line is the SLA target",
    ),
    (
        "Time to processed",
        "click to saved in the database: in async, the work still being done",
    ),
    (
        "Queue backlog",
        "jobs accepted but not yet saved: queued, and on top those waiting out a retry backoff",
    ),
    (
        "Headline",
        "p95 wait, the SLA share and the error share cover the same trailing span (\"last 10 s\")",
    ),
    (
        "Ledgers",
        "users: what they saw of each action; system: what became of each request and job",
    ),
    (
        "Utilisation",
        "server own work vs holding a request while it waits for a DB connection (the database's symptom)",
    ),
    (
        "Dotted line stretches",
        "a percentile from fewer than 100 answers in its span: read it as a rough guide",
    ),
    (
        "Dashed vertical lines",
        "a mode switch, a scripted event or a change you made; red bands: database outage",
    ),
    ("Time axis", "simulated time (h:mm:ss), as in the top bar"),
];
