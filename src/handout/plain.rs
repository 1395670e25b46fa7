//! The hand-out in the room's words (`asynclab report --plain`): every
//! text of the page, its plots' titles and legends included, with the
//! engineer's terms of [`crate::glossary`] replaced, and a closing table
//! that gives each replaced term (what the app shows on hover).

use super::page::esc;

/// `html` (a page made by [`super::page`]) in the room's words: only text
/// between tags changes, never a tag, an attribute or the style sheet;
/// a table of the terms replaced goes before the footer.
pub fn in_plain_words(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 2048);
    let mut used: Vec<&'static str> = Vec::new();
    let mut rest = html;
    let mut in_style = false;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            out.push_str(&text(rest, in_style, &mut used));
            break;
        };
        out.push_str(&text(&rest[..open], in_style, &mut used));
        let close = rest[open..].find('>').map_or(rest.len(), |i| open + i + 1);
        let tag = &rest[open..close];
        let lower = tag.to_ascii_lowercase();
        if lower.starts_with("<style") {
            in_style = true;
        } else if lower.starts_with("</style") {
            in_style = false;
        } else if lower.starts_with("<footer") {
            out.push_str(&terms_table(&used));
        }
        out.push_str(tag);
        rest = &rest[close..];
    }
    out
}

/// One run of text between tags, in the room's words (the style sheet as
/// it is); notes which terms it replaced.
fn text(t: &str, in_style: bool, used: &mut Vec<&'static str>) -> String {
    if in_style || t.is_empty() {
        return t.to_string();
    }
    for term in crate::glossary::engineer_terms_in(t) {
        if !used.contains(&term) {
            used.push(term);
        }
    }
    crate::glossary::plain_text(t)
}

/// "Words used here": the room's words and the engineer's term for each
/// term replaced, in the order they first appeared.
fn terms_table(used: &[&'static str]) -> String {
    if used.is_empty() {
        return String::new();
    }
    let mut o = String::from(
        "<section id=\"words\">\n<h2>Words used here</h2>\n<p>This hand-out says things in plain words; the engineer's terms for them:</p>\n<table>\n<tr><th>Here</th><th>Engineer's term</th></tr>\n",
    );
    for term in used {
        o.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>\n",
            esc(crate::glossary::plain(term)),
            esc(term)
        ));
    }
    o.push_str("</table>\n</section>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_text_changes_and_the_terms_are_listed() {
        let html = "<style>.p95 { x: 1 }</style><p class=\"backlog\">p95 wait 15 s; 3 in backoff</p><footer>end</footer>";
        let out = in_plain_words(html);
        assert!(out.starts_with("<style>.p95 { x: 1 }</style><p class=\"backlog\">95% of users waited at most 15 s; 3 retrying</p>"), "{out}");
        assert!(
            out.contains("<tr><td>retrying</td><td>in backoff</td></tr>"),
            "{out}"
        );
        assert!(out.ends_with("<footer>end</footer>"), "{out}");
    }
}
