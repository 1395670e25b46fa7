//! AsyncLab's scene file format: RON via serde, versioned, validated, plus
//! the built-in scenes and the words for each knob.
//!
//! Its own crate on top of `asynclab-core` (whose settings it reads and
//! writes), so the compiler keeps egui, tokio, the host and the app out of
//! it. The app crate re-exports it as `asynclab::scenario`.
//!
//! Loading never panics: a file that does not parse gets its line and
//! column, one that does not validate gets every problem with its field
//! path, bad value and allowed range.

#![warn(missing_docs)]

mod files;
pub mod knobs;
mod model;
pub mod validate;
pub mod version;

pub use files::{
    MAX_FILE_BYTES, Output, TEMP_PREFIX, TEMP_SUFFIX, Temporary, megabytes, read_text,
    regular_target, write_atomic,
};
pub use model::{Cue, DisabledEvent, Goal, PlotName, Scenario, StartSpeed, Variant, View};
pub use version::FORMAT_VERSION;
// The core's vocabulary, re-exported for files and tests that speak of scenes.
pub use asynclab_core::config::{
    Browser, Change, ChangeError, Client, Cost, Database, Dependency, Endpoint, Mode, Network,
    OutageKind, Queue, RetryPolicy, Scheduling, Server, ServerModel, Settings, Shape, Sla, Step,
    Tier, TimelineEvent,
};

mod unclosed;
mod validate_parts;

use std::path::{Path, PathBuf};

/// Why a scenario could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The text is not valid RON for a scenario.
    #[error("{origin}:{line}:{column}: {message}")]
    Parse {
        /// File name or `<text>`.
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The scenario parsed but some values are out of range.
    #[error("{origin}: {} problem(s):\n{}", .problems.len(), .problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// File name or `<text>`.
        origin: String,
        /// Every problem found.
        problems: Vec<validate::Problem>,
    },
    /// The scenario could not be serialised.
    #[error("cannot write scenario: {0}")]
    Serialize(String),
}

impl Scenario {
    /// Parses and validates RON text. `origin` names it in errors.
    pub fn from_ron(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        let text = normalise(text);
        let file: version::SceneFile = ron::Options::default().from_str(&text).map_err(|e| {
            let (line, column) = (e.span.start.line, e.span.start.col);
            let mut message = e.code.to_string();
            let may_be_unclosed = matches!(
                e.code,
                ron::Error::NoSuchStructField { .. } | ron::Error::Eof
            );
            if may_be_unclosed && let Some(open) = unclosed::at(&text, line, column) {
                message.push_str(&open.hint());
            }
            ScenarioError::Parse {
                origin: origin.to_string(),
                line,
                column,
                message,
            }
        })?;
        let found = file.version;
        let s = version::migrate(file).map_err(|rule| ScenarioError::Invalid {
            origin: origin.to_string(),
            problems: vec![validate::Problem {
                path: "version".into(),
                value: found.to_string(),
                rule,
            }],
        })?;
        let problems = validate::validate(&s);
        if problems.is_empty() {
            Ok(s)
        } else {
            Err(ScenarioError::Invalid {
                origin: origin.to_string(),
                problems,
            })
        }
    }

    /// Reads, parses and validates a scenario file (a regular file of at
    /// most [`MAX_FILE_BYTES`]; devices and FIFOs are refused unopened).
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = read_text(path).map_err(|source| ScenarioError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Scenario::from_ron(&text, &path.display().to_string())
    }

    /// The scenario as pretty RON.
    pub fn to_ron(&self) -> Result<String, ScenarioError> {
        let cfg = ron::ser::PrettyConfig::new()
            .depth_limit(4)
            .struct_names(false);
        ron::Options::default()
            .to_string_pretty(self, cfg)
            .map_err(|e| ScenarioError::Serialize(e.to_string()))
    }

    /// Writes the scenario atomically: a temporary file beside the target,
    /// flushed to disk, then renamed over it. A failure at any step leaves the
    /// existing file untouched.
    pub fn save(&self, path: &Path) -> Result<(), ScenarioError> {
        let text = self.to_ron()?;
        write_atomic(path, text.as_bytes()).map_err(|source| ScenarioError::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Text as the parser should see it: without a leading byte-order mark,
/// and with CR or CR LF line endings turned into LF (a `//` comment ends at
/// a line end, and old Mac files end lines with CR alone).
fn normalise(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Where a scene comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// A scene built into the binary, by file name.
    Builtin(&'static str),
}

/// Opens a scene named on a command line or in the app: a file when one
/// exists at `arg`, otherwise the built-in scene with that file name (with
/// or without `.ron`, with or without its folder under `scenes/`), so
/// `asynclab 04-black-friday.ron` and `asynclab run 04-black-friday.ron`
/// open the same scene anywhere, as do `exercises/ex1-slow-database` and
/// `ex1-slow-database`.
pub fn open(arg: &Path) -> Result<(Scenario, Source), ScenarioError> {
    if !arg.exists()
        && let Some(b) = builtin_named(arg)
    {
        let s = Scenario::from_ron(b.text, b.file)?;
        return Ok((s, Source::Builtin(b.file)));
    }
    let s = Scenario::load(arg)?;
    Ok((s, Source::File(arg.to_path_buf())))
}

/// A scene shipped with AsyncLab (built into the binary).
pub struct BuiltinScene {
    /// File name in `scenes/`.
    pub file: &'static str,
    /// The RON text.
    pub text: &'static str,
}

/// The shipped scenes, in lesson order. The first is the app's default.
pub const BUILTIN_SCENES: &[BuiltinScene] = &[
    BuiltinScene {
        file: "01-hello-sync.ron",
        text: include_str!("../../../scenes/01-hello-sync.ron"),
    },
    BuiltinScene {
        file: "02-slow-database.ron",
        text: include_str!("../../../scenes/02-slow-database.ron"),
    },
    BuiltinScene {
        file: "03-morning-email-blast.ron",
        text: include_str!("../../../scenes/03-morning-email-blast.ron"),
    },
    BuiltinScene {
        file: "04-black-friday.ron",
        text: include_str!("../../../scenes/04-black-friday.ron"),
    },
    BuiltinScene {
        file: "05-noisy-neighbour.ron",
        text: include_str!("../../../scenes/05-noisy-neighbour.ron"),
    },
    BuiltinScene {
        file: "06-flaky-database.ron",
        text: include_str!("../../../scenes/06-flaky-database.ron"),
    },
    BuiltinScene {
        file: "07-moving-bottleneck.ron",
        text: include_str!("../../../scenes/07-moving-bottleneck.ron"),
    },
    BuiltinScene {
        file: "08-pay-for-priority.ron",
        text: include_str!("../../../scenes/08-pay-for-priority.ron"),
    },
    BuiltinScene {
        file: "09-polling.ron",
        text: include_str!("../../../scenes/09-polling.ron"),
    },
    BuiltinScene {
        file: "10-one-spot-async.ron",
        text: include_str!("../../../scenes/10-one-spot-async.ron"),
    },
    BuiltinScene {
        file: "11-slow-partner-api.ron",
        text: include_str!("../../../scenes/11-slow-partner-api.ron"),
    },
    // Examples: real systems written in a few lines.
    BuiltinScene {
        file: "examples/checkout.ron",
        text: include_str!("../../../scenes/examples/checkout.ron"),
    },
    // Exercises: each carries a goal checked when its run ends.
    BuiltinScene {
        file: "exercises/ex1-slow-database.ron",
        text: include_str!("../../../scenes/exercises/ex1-slow-database.ron"),
    },
    BuiltinScene {
        file: "exercises/ex2-black-friday.ron",
        text: include_str!("../../../scenes/exercises/ex2-black-friday.ron"),
    },
    BuiltinScene {
        file: "exercises/ex3-noisy-neighbour.ron",
        text: include_str!("../../../scenes/exercises/ex3-noisy-neighbour.ron"),
    },
    BuiltinScene {
        file: "exercises/ex4-retries-outage.ron",
        text: include_str!("../../../scenes/exercises/ex4-retries-outage.ron"),
    },
    BuiltinScene {
        file: "exercises/ex5-poll-interval.ron",
        text: include_str!("../../../scenes/exercises/ex5-poll-interval.ron"),
    },
];

/// The built-in scene `arg` names: its path under `scenes/` or its bare
/// file name, each with or without `.ron` (bare names are unique).
fn builtin_named(arg: &Path) -> Option<&'static BuiltinScene> {
    let given = arg.to_str()?.replace('\\', "/");
    let given = given.strip_prefix("./").unwrap_or(&given);
    let with_ext = format!("{given}.ron");
    let bare = |f: &str| f.rsplit('/').next().unwrap_or(f).to_string();
    [given, with_ext.as_str()]
        .into_iter()
        .find_map(|candidate| {
            BUILTIN_SCENES
                .iter()
                .find(|b| b.file == candidate || bare(b.file) == candidate)
        })
}

/// Parses a built-in scene.
pub fn builtin(file: &str) -> Option<Result<Scenario, ScenarioError>> {
    BUILTIN_SCENES
        .iter()
        .find(|s| s.file == file)
        .map(|s| Scenario::from_ron(s.text, s.file))
}
