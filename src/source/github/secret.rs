//! The API token, kept out of every printed form.

use std::fmt;

/// A GitHub token. `Debug` and `Display` print `***`; only [`Token::expose`] gives the
/// value, and the one caller is the client builder that puts it in a header.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(value: impl Into<String>) -> Token {
        Token(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let t = Token::new("ghp_0123456789abcdef");
        let shown = format!("{t} {t:?} {:?} {:#?}", Some(&t), vec![t.clone()]);
        assert!(!shown.contains("ghp_"), "{shown}");
        assert_eq!(t.expose(), "ghp_0123456789abcdef");
    }
}
