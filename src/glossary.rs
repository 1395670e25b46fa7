//! The room's words: one table from the engineer's terms the app shows
//! ("p95 wait", "in backoff", "dead-lettered") to words a non-engineer
//! reads at a glance ("95% of users waited at most", "retrying", "lost
//! (dead letters)"). The app's plain-language setting and the hand-out's
//! `--plain` flag read every replacement from [`GLOSSARY`], and tests check
//! that no engineer term of it is left in the texts they cover.
//!
//! [`plain_text`] rewrites a sentence made with the engineer's terms, so a
//! sentence composed elsewhere (the difference between twins, the
//! bottleneck strip, a scene's caption) keeps its numbers and changes only
//! its words.

/// One entry: what the engineer says, what the room reads, and what it
/// means (for hover texts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The engineer's term, as the app shows it.
    pub engineer: &'static str,
    /// The room's words for it.
    pub plain: &'static str,
}

/// Engineer's term -> the room's words. A longer term wins over a shorter
/// one it contains ("p95 wait" over "p95"), so a phrase can read better
/// than its words one by one. No plain text may contain an engineer term
/// of this table (tested), so rewriting twice changes nothing more.
pub const GLOSSARY: &[Entry] = &[
    e("p95 wait", "95% of users waited at most"),
    e("p95 user-perceived wait", "95% of users waited at most"),
    e("wait p50", "half waited at most"),
    e("wait p95", "95% waited at most"),
    e("wait p99", "99% waited at most"),
    e("processed p50", "half saved within"),
    e("processed p95", "95% saved within"),
    e("processed p99", "99% saved within"),
    e("user learns p95", "95% learned within"),
    e("p95 time to processed", "95% saved within"),
    e("time to processed", "time until saved"),
    e("p95", "95% waited at most"),
    e("p50", "half waited at most"),
    e("p99", "99% waited at most"),
    e("jobs waiting", "orders waiting to be saved"),
    e("peak backlog", "most orders waiting to be saved"),
    e("queue backlog", "orders waiting to be saved"),
    e("at this backlog", "with this many waiting"),
    e("accept backlog", "waiting at the door"),
    e("backlog", "orders waiting to be saved"),
    e("in backoff", "retrying"),
    e("backoff", "retrying"),
    e(
        "acknowledged, then dead-lettered",
        "told 'saved', then lost (dead letters)",
    ),
    e("dead-lettered", "lost (dead letters)"),
    e("dead letter", "lost"),
    e(
        "committed after their users gave up",
        "saved after the user gave up",
    ),
    e("committed", "saved"),
    e("commits", "saves"),
    e("both ledgers balance", "every order accounted for"),
    e("conns", "connections"),
    e("exp + jitter", "waiting longer each time"),
    e("server: own work", "server working"),
    e("server: waiting for DB", "server waiting for the database"),
    e("spike to", "peak at"),
    e("off the top", "above the plot"),
];

const fn e(engineer: &'static str, plain: &'static str) -> Entry {
    Entry { engineer, plain }
}

/// The engineer's terms of the table, for tests that check a text uses
/// none of them.
pub fn engineer_terms() -> impl Iterator<Item = &'static str> {
    GLOSSARY.iter().map(|e| e.engineer)
}

/// The room's words for `engineer` (a term of [`GLOSSARY`]); the term
/// itself when the table has no entry for it.
pub fn plain(engineer: &'static str) -> &'static str {
    GLOSSARY
        .iter()
        .find(|e| e.engineer == engineer)
        .map_or(engineer, |e| e.plain)
}

/// `engineer` in the room's words when `plain_words` is on, as it is
/// otherwise.
pub fn say(engineer: &'static str, plain_words: bool) -> &'static str {
    if plain_words {
        plain(engineer)
    } else {
        engineer
    }
}

/// `text` with every engineer term of [`GLOSSARY`] replaced by the room's
/// words, numbers and everything else kept. Terms match whole words,
/// case-insensitively (a term that starts a sentence gives words that
/// start with a capital); where several match, the longest wins; what a
/// replacement wrote is not looked at again.
pub fn plain_text(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    let mut copied = 0;
    while i < text.len() {
        let at_word_start = i == 0 || !is_word_byte(bytes[i - 1]);
        let found = at_word_start.then(|| longest_match(&lower, i)).flatten();
        match found {
            Some(entry) => {
                out.push_str(&text[copied..i]);
                let capital = text.as_bytes()[i].is_ascii_uppercase();
                out.push_str(&capitalised(entry.plain, capital));
                i += entry.engineer.len();
                copied = i;
            }
            None => {
                // Next char boundary (the text may hold ×, → and such).
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The longest term of the table at byte `i` of `lower` that ends a word.
fn longest_match(lower: &str, i: usize) -> Option<&'static Entry> {
    let rest = &lower.as_bytes()[i..];
    GLOSSARY
        .iter()
        .filter(|e| {
            let t = e.engineer.as_bytes();
            rest.len() >= t.len()
                && rest[..t.len()].eq_ignore_ascii_case(t)
                && rest.get(t.len()).is_none_or(|b| !is_word_byte(*b))
        })
        .max_by_key(|e| e.engineer.len())
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn capitalised(s: &str, capital: bool) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) if capital => first.to_uppercase().chain(chars).collect(),
        _ => s.to_string(),
    }
}

/// The engineer's terms that occur in `text` (whole words,
/// case-insensitively): what a test finds left over.
pub fn engineer_terms_in(text: &str) -> Vec<&'static str> {
    let lower = text.to_ascii_lowercase();
    engineer_terms()
        .filter(|t| {
            lower.match_indices(&t.to_ascii_lowercase()).any(|(i, _)| {
                let b = lower.as_bytes();
                let before = i == 0 || !is_word_byte(b[i - 1]);
                let after = b.get(i + t.len()).is_none_or(|c| !is_word_byte(*c));
                before && after
            })
        })
        .collect()
}

/// "In the engineer's words: ..." for a hover text, when `text` changed
/// in the room's words; `None` when it has no engineer term.
pub fn engineer_hover(text: &str) -> Option<String> {
    (!engineer_terms_in(text).is_empty()).then(|| format!("In the engineer's words: {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headline_and_the_difference_read_in_the_rooms_words() {
        assert_eq!(
            plain_text("p95 wait · last 10 s"),
            "95% of users waited at most · last 10 s"
        );
        assert_eq!(
            plain_text(
                "p95 wait 15.0 s vs 74.2 ms: answered 202× sooner; p95 time to processed 15.0 s vs 40.0 s; backlog 0 vs 6,044"
            ),
            "95% of users waited at most 15.0 s vs 74.2 ms: answered 202× sooner; 95% saved within 15.0 s vs 40.0 s; orders waiting to be saved 0 vs 6,044"
        );
        assert_eq!(
            plain_text("12 queued · 3 in backoff"),
            "12 queued · 3 retrying"
        );
        assert_eq!(
            plain_text("13,598 committed after their users gave up (wasted work)"),
            "13,598 saved after the user gave up (wasted work)"
        );
        assert_eq!(
            plain_text("Backlog 0 vs 6,044"),
            "Orders waiting to be saved 0 vs 6,044"
        );
        assert_eq!(plain_text("now 5/5 conns"), "now 5/5 connections");
    }

    #[test]
    fn terms_match_whole_words_only() {
        assert_eq!(plain_text("uncommitted p950"), "uncommitted p950");
        assert_eq!(plain_text("backlogs"), "backlogs");
    }

    #[test]
    fn no_plain_words_hold_an_engineer_term() {
        for entry in GLOSSARY {
            assert!(
                engineer_terms_in(entry.plain).is_empty(),
                "{:?} holds {:?}",
                entry.plain,
                engineer_terms_in(entry.plain)
            );
            assert_eq!(plain_text(entry.engineer), entry.plain);
            assert!(engineer_terms_in(entry.engineer).contains(&entry.engineer));
        }
    }
}
