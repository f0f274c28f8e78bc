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

    /// `text` with every occurrence of the token's value replaced by `***`: a server or
    /// a proxy may echo the Authorization header back in an error body.
    pub fn redact(&self, text: &str) -> String {
        // A token shorter than this would match ordinary words; none is this short.
        if self.0.len() < 8 || !text.contains(self.0.as_str()) {
            return text.to_string();
        }
        text.replace(self.0.as_str(), "***")
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

    #[test]
    fn redacted_by_value() {
        let t = Token::new("ghp_0123456789abcdef");
        assert_eq!(
            t.redact("401: you sent Bearer ghp_0123456789abcdef, twice: ghp_0123456789abcdef"),
            "401: you sent Bearer ***, twice: ***"
        );
        assert_eq!(Token::new("short").redact("a short word"), "a short word");
    }
}
