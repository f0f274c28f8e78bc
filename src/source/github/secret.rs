//! The API token, kept out of every printed form.

use std::fmt;

/// A GitHub token. `Debug` and `Display` print `***`; only [`Token::expose`] gives the
/// value, and the one caller is the client builder that puts it in a header.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    value: String,
    /// Its base64 forms ([`base64_forms`]), found once: every printed URL and error
    /// goes through [`Token::redact`].
    encoded: Vec<String>,
}

impl Token {
    pub fn new(value: impl Into<String>) -> Token {
        let value = value.into();
        let encoded = base64_forms(value.as_bytes());
        Token { value, encoded }
    }

    pub fn expose(&self) -> &str {
        &self.value
    }

    /// `text` with every occurrence of the token's value replaced by `***`: a server or
    /// a proxy may echo the Authorization header back in an error body. Its base64 form
    /// too, as a `Basic` header carries it (`TOKEN`, `x-access-token:TOKEN`, `user:TOKEN`
    /// encoded): the part of the encoding that only the token's bytes make, whatever
    /// stands before it, which leaves a character or two of it either side.
    pub fn redact(&self, text: &str) -> String {
        // A token shorter than this would match ordinary words; none is this short.
        if self.value.len() < 8 {
            return text.to_string();
        }
        let mut out = text.replace(self.value.as_str(), "***");
        for pattern in &self.encoded {
            if out.contains(pattern.as_str()) {
                out = out.replace(pattern.as_str(), "***");
            }
        }
        out
    }
}

/// What base64 makes of `secret` inside any text, for each of the three places it can
/// start in a group of three bytes: the characters of whole groups of its bytes alone.
fn base64_forms(secret: &[u8]) -> Vec<String> {
    (0..3)
        .filter_map(|lead| {
            let mut bytes = vec![0u8; lead];
            bytes.extend_from_slice(secret);
            let whole = bytes.len() / 3 * 4;
            // The first group mixes in the bytes before the secret, unless it starts one.
            let from = if lead == 0 { 0 } else { 4 };
            let form = base64(&bytes)[from..whole].to_string();
            (form.len() >= 8).then_some(form)
        })
        .collect()
}

/// Standard base64, without padding.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
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

    /// A `Basic` header echoed back: the token, `x-access-token:TOKEN` and `TOKEN:`
    /// encoded (as `printf %s … | base64` gives them) lose the token's part.
    #[test]
    fn redacted_in_base64() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE");
        assert_eq!(base64(b"M"), "TQ");
        let t = Token::new("ghp_FAKEtok3nZZqq9981XYZzyx");
        for (encoded, left) in [
            ("Z2hwX0ZBS0V0b2szblpacXE5OTgxWFlaenl4", ""),
            ("eC1hY2Nlc3MtdG9rZW46Z2hwX0ZBS0V0b2szblpacXE5OTgxWFlaenl4", "eC1hY2Nlc3MtdG9rZW46"),
            ("Z2hwX0ZBS0V0b2szblpacXE5OTgxWFlaenl4Og==", ""),
        ] {
            let said = t.redact(&format!("Authorization: Basic {encoded}"));
            assert!(said.starts_with(&format!("Authorization: Basic {left}***")), "{said}");
            assert!(said.len() < 40 + left.len(), "{said}");
        }
        // After a user name of any length: all but a character or two at either end.
        for user in ["u", "ab", "abc"] {
            let encoded = base64(format!("{user}:ghp_FAKEtok3nZZqq9981XYZzyx").as_bytes());
            let said = t.redact(&encoded);
            assert!(said.contains("***") && said.len() <= 4 + 4 + 3 + 3, "{user}: {said}");
        }
        // Text that merely looks like base64 stays.
        assert_eq!(t.redact("Basic dXNlcjpwYXNz"), "Basic dXNlcjpwYXNz");
    }
}
