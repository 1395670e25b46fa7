//! A missing `)` makes the parser read the next field as one of the
//! unclosed structure ("Unexpected field named `queue` in `Database`"):
//! this finds the structure still open at the error, so the message can
//! name it and where it was opened.

/// A bracket still open at a position of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Open {
    /// What precedes the bracket on its line, with the bracket:
    /// "database: (".
    pub what: String,
    /// 1-based line and column of the bracket.
    pub line: usize,
    pub column: usize,
    /// The bracket that closes it.
    pub closer: char,
}

impl Open {
    /// The sentence added to the parser's message.
    pub fn hint(&self) -> String {
        format!(
            " (is a `{}` missing? `{}` opened at line {}, column {} is still open here)",
            self.closer, self.what, self.line, self.column
        )
    }
}

/// The innermost bracket still open at `line`:`column` (1-based) of
/// `text`, when it is nested inside the scene's own `(...)` and was opened
/// on an earlier line (a structure left open across lines); strings and
/// comments are skipped.
pub(super) fn at(text: &str, line: usize, column: usize) -> Option<Open> {
    let mut stack: Vec<Open> = Vec::new();
    let (mut l, mut c) = (1usize, 1usize);
    let mut line_start = 0usize;
    let mut chars = text.char_indices().peekable();
    let mut in_string = false;
    let mut comment_depth = 0usize;
    let mut line_comment = false;
    while let Some((i, ch)) = chars.next() {
        if (l, c) >= (line, column) {
            break;
        }
        let next = chars.peek().map(|x| x.1);
        let mut step = 1;
        if line_comment {
            // Ends at the newline below.
        } else if comment_depth > 0 {
            if ch == '*' && next == Some('/') {
                comment_depth -= 1;
                chars.next();
                step = 2;
            } else if ch == '/' && next == Some('*') {
                comment_depth += 1;
                chars.next();
                step = 2;
            }
        } else if in_string {
            if ch == '\\' {
                chars.next();
                step = 2;
            } else if ch == '"' {
                in_string = false;
            }
        } else {
            match ch {
                '"' => in_string = true,
                '/' if next == Some('/') => line_comment = true,
                '/' if next == Some('*') => {
                    comment_depth = 1;
                    chars.next();
                    step = 2;
                }
                '(' | '[' | '{' => stack.push(Open {
                    what: format!("{}{ch}", text[line_start..i].trim_start()),
                    line: l,
                    column: c,
                    closer: match ch {
                        '(' => ')',
                        '[' => ']',
                        _ => '}',
                    },
                }),
                ')' | ']' | '}' => {
                    stack.pop();
                }
                _ => {}
            }
        }
        if ch == '\n' {
            l += 1;
            c = 1;
            line_start = i + 1;
            line_comment = false;
        } else {
            c += step;
        }
    }
    if stack.len() < 2 {
        return None;
    }
    stack.pop().filter(|o| o.line < line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_structure_left_open_is_named_with_its_line() {
        let text =
            "(\n    version: 5,\n    database: (connections: 5,\n    queue: (workers: 5),\n)\n";
        let open = at(text, 4, 5).expect("open");
        assert_eq!(
            (open.what.as_str(), open.line, open.column, open.closer),
            ("database: (", 3, 15, ')')
        );
        // Brackets inside strings and comments do not count.
        let text = "(\n    title: \"a (b\", // (\n    /* ( */ x: 1,\n";
        assert_eq!(at(text, 3, 13), None);
        // Only the scene itself open: nothing to name.
        assert_eq!(at("(\n    bogus: 1,\n)", 2, 5), None);
    }
}
