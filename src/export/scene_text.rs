//! A scene as text for the clipboard, so a trainer can post it in the
//! workshop chat and every attendee opens it at once. The text is the
//! scene file itself: pasting it runs the same parser and validation as
//! opening a file, with the same errors (named after [`CLIPBOARD_ORIGIN`]
//! instead of a file).

use crate::scenario::{MAX_FILE_BYTES, Scenario, ScenarioError, megabytes, validate};

/// How errors in pasted text name their source: "clipboard:3:7: …".
pub const CLIPBOARD_ORIGIN: &str = "clipboard";

/// The scene (with whatever live tweaks it carries) as RON text: a comment
/// line naming it, then exactly what saving it to a file would write.
pub fn scene_to_text(s: &Scenario) -> Result<String, ScenarioError> {
    let title = s.title.replace(['\n', '\r'], " ");
    Ok(format!(
        "// AsyncLab scene \"{title}\": paste it into AsyncLab (Edit → Paste scene)\n{}",
        s.to_ron()?
    ))
}

/// A scene from pasted text, validated exactly as a file is. Chat apps
/// often keep the fence of a code block (```` ``` ```` or ```` ```ron ````):
/// fence lines are blanked (not removed, so line numbers in errors still
/// match the pasted text).
pub fn scene_from_text(text: &str) -> Result<Scenario, ScenarioError> {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(ScenarioError::Invalid {
            origin: CLIPBOARD_ORIGIN.to_string(),
            problems: vec![validate::Problem {
                path: "(text)".into(),
                value: megabytes(text.len() as u64),
                rule: format!("a scene is at most {}", megabytes(MAX_FILE_BYTES)),
            }],
        });
    }
    let unfenced: Vec<&str> = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("```") {
                ""
            } else {
                l
            }
        })
        .collect();
    Scenario::from_ron(&unfenced.join("\n"), CLIPBOARD_ORIGIN)
}
