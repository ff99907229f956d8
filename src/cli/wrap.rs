//! Line breaking of diagnostics: miette wraps a message or hint at spaces,
//! and this word separator makes a `backtick-quoted` span (a command, a
//! path) one word, so a hint's command is never broken across lines and
//! pastes whole into a shell.

use textwrap::core::Word;

/// The words of `line` as textwrap's ASCII-space separator finds them,
/// except that spaces inside backticks do not separate.
#[must_use]
pub fn words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    let mut start = 0;
    let mut in_space = false;
    let mut in_code = false;
    let mut chars = line.char_indices();
    Box::new(std::iter::from_fn(move || {
        for (i, c) in chars.by_ref() {
            if in_space && c != ' ' {
                let word = Word::from(&line[start..i]);
                start = i;
                in_space = false;
                in_code = c == '`';
                return Some(word);
            }
            if c == '`' {
                in_code = !in_code;
            }
            in_space = c == ' ' && !in_code;
        }
        (start < line.len()).then(|| {
            let word = Word::from(&line[start..]);
            start = line.len();
            word
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn a_quoted_command_is_one_word() {
        let found: Vec<String> = words("run `stackc secrets set a/b key`  (stdin) x").map(|w| w.to_string()).collect();
        assert_eq!(found, ["run", "`stackc secrets set a/b key`", "(stdin)", "x"]);
    }
}
