//! The scene file format: RON via serde, versioned, validated, plus the
//! built-in scenes and the words for each knob.
//!
//! Loading never panics: a file that does not parse gets its line and
//! column, one that does not validate gets every problem with its field
//! path, bad value and allowed range.

pub mod knobs;
mod model;
pub mod validate;
pub mod version;

pub use model::Scenario;
pub use version::FORMAT_VERSION;
// The core's vocabulary, re-exported for files and tests that speak of scenes.
pub use crate::sim::config::{
    Browser, Change, ChangeError, Client, Cost, Database, Endpoint, Mode, Network, OutageKind,
    Queue, RetryPolicy, Scheduling, Server, Settings, Shape, Sla, Tier, TimelineEvent,
};

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

/// Largest scenario file accepted, bytes: a hostile multi-gigabyte file is
/// refused before it is read into memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

impl Scenario {
    /// Parses and validates RON text. `origin` names it in errors.
    pub fn from_ron(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        let file: version::SceneFile =
            ron::Options::default()
                .from_str(text)
                .map_err(|e| ScenarioError::Parse {
                    origin: origin.to_string(),
                    line: e.span.start.line,
                    column: e.span.start.col,
                    message: e.code.to_string(),
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

    /// Reads, parses and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let io = |source| ScenarioError::Io {
            path: path.to_path_buf(),
            source,
        };
        let len = std::fs::metadata(path).map_err(io)?.len();
        if len > MAX_FILE_BYTES {
            return Err(io(std::io::Error::other(format!(
                "file is {len} bytes; scenarios are at most {MAX_FILE_BYTES}"
            ))));
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
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

/// Writes `bytes` to a temporary file beside `path`, syncs it, then renames
/// it over `path`: a reader never sees half a file, and a failure at any
/// step leaves an existing file untouched (and removes the temporary one).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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
        text: include_str!("../../scenes/01-hello-sync.ron"),
    },
    BuiltinScene {
        file: "02-slow-database.ron",
        text: include_str!("../../scenes/02-slow-database.ron"),
    },
    BuiltinScene {
        file: "03-morning-email-blast.ron",
        text: include_str!("../../scenes/03-morning-email-blast.ron"),
    },
    BuiltinScene {
        file: "04-black-friday.ron",
        text: include_str!("../../scenes/04-black-friday.ron"),
    },
    BuiltinScene {
        file: "05-noisy-neighbour.ron",
        text: include_str!("../../scenes/05-noisy-neighbour.ron"),
    },
    BuiltinScene {
        file: "06-flaky-database.ron",
        text: include_str!("../../scenes/06-flaky-database.ron"),
    },
    BuiltinScene {
        file: "07-moving-bottleneck.ron",
        text: include_str!("../../scenes/07-moving-bottleneck.ron"),
    },
    BuiltinScene {
        file: "08-pay-for-priority.ron",
        text: include_str!("../../scenes/08-pay-for-priority.ron"),
    },
    BuiltinScene {
        file: "09-polling.ron",
        text: include_str!("../../scenes/09-polling.ron"),
    },
    BuiltinScene {
        file: "10-one-spot-async.ron",
        text: include_str!("../../scenes/10-one-spot-async.ron"),
    },
];

/// Parses a built-in scene.
pub fn builtin(file: &str) -> Option<Result<Scenario, ScenarioError>> {
    BUILTIN_SCENES
        .iter()
        .find(|s| s.file == file)
        .map(|s| Scenario::from_ron(s.text, s.file))
}
