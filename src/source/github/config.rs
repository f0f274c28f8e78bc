//! The settings a run resolves from the `[github]` table of `rolecall.toml` and the
//! environment (API URL, token).

use super::secret::Token;
pub use crate::config::{GithubConfig, OnRepoError, PUBLIC_API};
use crate::error::{Error, Result};

/// What a fetch needs, resolved from the config and the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Without a trailing slash: `https://api.github.com`, `https://ghe.example.com/api/v3`.
    pub api_url: String,
    pub token: Option<Token>,
    /// Where the token came from (`GITHUB_TOKEN`, `GH_TOKEN`, `gh auth token`), for errors.
    pub token_origin: &'static str,
    pub config: GithubConfig,
    /// Draw progress bars (stderr is a terminal, not quiet, not CI).
    pub progress: bool,
    /// Where the incremental-sync cache lives; `None`: every fetch is a full one.
    pub cache: Option<super::Cache>,
    /// Fetch everything again (`--full`), then refresh the cache.
    pub full: bool,
}

/// The environment a run reads; a struct so tests can give their own.
#[derive(Debug, Default, Clone)]
pub struct Env {
    pub github_api_url: Option<String>,
    pub github_token: Option<String>,
    pub gh_token: Option<String>,
}

impl Env {
    pub fn from_process() -> Env {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Env {
            github_api_url: var("GITHUB_API_URL"),
            github_token: var("GITHUB_TOKEN"),
            gh_token: var("GH_TOKEN"),
        }
    }
}

impl Settings {
    /// Checks `config` and resolves the API URL and token: `GITHUB_TOKEN`, `GH_TOKEN`, then
    /// `gh auth token` for the API's host when `gh-cli` is on and the CLI is installed.
    pub fn resolve(config: &GithubConfig, env: &Env, origin: &str) -> Result<Settings> {
        let bad = |message: String| Error::Config { at: format!("{origin}: [github]"), message };
        if config.concurrency == 0 || config.concurrency > 32 {
            return Err(bad(format!(
                "concurrency = {} is out of range (1 to 32)",
                config.concurrency
            )));
        }
        for pattern in config.include.iter().chain(&config.exclude) {
            if pattern.trim().is_empty() {
                return Err(bad("an include or exclude pattern is empty".into()));
            }
        }
        let (api_url, from) = match (&config.api_url, &env.github_api_url) {
            (Some(url), _) => (url.clone(), "api-url"),
            (None, Some(url)) => (url.clone(), "GITHUB_API_URL"),
            (None, None) => (PUBLIC_API.to_string(), ""),
        };
        let api_url = check_api_url(&api_url).map_err(|message| {
            // The URL may carry the token in its path too (`check_api_url` hides only
            // credentials before the host, a query and a fragment): hidden by value.
            let message = [&env.github_token, &env.gh_token]
                .into_iter()
                .flatten()
                .fold(message, |m, t| Token::new(t.trim()).redact(&m));
            if from == "api-url" {
                bad(format!("api-url: {message}"))
            } else {
                Error::Usage(format!("environment variable GITHUB_API_URL: {message}"))
            }
        })?;
        let (token, token_origin) = if let Some(t) = &env.github_token {
            (Some(Token::new(t.trim())), "GITHUB_TOKEN")
        } else if let Some(t) = &env.gh_token {
            (Some(Token::new(t.trim())), "GH_TOKEN")
        } else if config.gh_cli {
            match gh_auth_token(&api_url) {
                Some(t) => (Some(t), "gh auth token"),
                None => (None, ""),
            }
        } else {
            (None, "")
        };
        // A header value cannot hold control characters or spaces; said without the token.
        if let Some(t) = &token {
            if t.expose().is_empty()
                || t.expose().chars().any(|c| c.is_control() || c.is_whitespace())
            {
                return Err(Error::Usage(format!(
                    "the token in {token_origin} holds a space or a control character: copy it again"
                )));
            }
        }
        Ok(Settings {
            api_url,
            token,
            token_origin,
            config: config.clone(),
            progress: false,
            cache: None,
            full: false,
        })
    }
}

/// `https://host[:port][/path]` without a trailing slash, or why not.
fn check_api_url(url: &str) -> std::result::Result<String, String> {
    let trimmed = url.trim().trim_end_matches('/');
    // Never print a query or fragment: whatever is in them (a token, say) stays unsaid.
    let shown = match trimmed.find(['?', '#']) {
        Some(at) => {
            format!("{}{}…", super::client::redact_url(&trimmed[..at]), &trimmed[at..at + 1])
        }
        None => super::client::redact_url(trimmed),
    };
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| format!("`{shown}` is not an http(s) URL"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("`{shown}` names no host"));
    }
    if rest.contains('@') {
        return Err(format!(
            "`{shown}` carries credentials; give the token in GITHUB_TOKEN instead"
        ));
    }
    if trimmed.contains(['?', '#', ' ']) {
        return Err(format!("`{shown}` must be a plain base URL without query or fragment"));
    }
    http::Uri::try_from(trimmed).map_err(|e| format!("`{shown}`: {e}"))?;
    Ok(trimmed.to_string())
}

/// The host `gh` knows the API by: `github.com` for the public API, else the API's host.
fn gh_host(api_url: &str) -> String {
    let rest = api_url.split_once("://").map_or(api_url, |(_, r)| r);
    let host = rest.split(['/', ':']).next().unwrap_or(rest);
    if host == "api.github.com" {
        "github.com".into()
    } else {
        host.to_string()
    }
}

/// `gh auth token --hostname HOST`, when the GitHub CLI is installed and logged in.
fn gh_auth_token(api_url: &str) -> Option<Token> {
    let out = std::process::Command::new("gh")
        .args(["auth", "token", "--hostname", &gh_host(api_url)])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let token = String::from_utf8(out.stdout).ok()?;
    let token = token.trim();
    (out.status.success() && !token.is_empty()).then(|| Token::new(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(config: &GithubConfig, env: &Env) -> Result<Settings> {
        Settings::resolve(config, env, "rolecall.toml")
    }

    /// An API URL refused for its query does not print what the query holds.
    #[test]
    fn refused_api_urls_do_not_print_their_query() {
        let why = check_api_url("https://ghe.example.com/api/v3?x=ghp_SECRET123#frag").unwrap_err();
        assert!(!why.contains("SECRET"), "{why}");
        assert!(why.contains("`https://ghe.example.com/api/v3?…`"), "{why}");
        assert!(why.contains("without query or fragment"), "{why}");
    }

    #[test]
    fn api_url_precedence_and_checks() {
        let mut config = GithubConfig { gh_cli: false, ..GithubConfig::default() };
        let env = Env {
            github_api_url: Some("https://ghe.example.com/api/v3/".into()),
            ..Env::default()
        };
        assert_eq!(settings(&config, &Env::default()).unwrap().api_url, PUBLIC_API);
        assert_eq!(settings(&config, &env).unwrap().api_url, "https://ghe.example.com/api/v3");
        config.api_url = Some("http://127.0.0.1:8080".into());
        assert_eq!(settings(&config, &env).unwrap().api_url, "http://127.0.0.1:8080");
        config.api_url = Some("ghe.example.com".into());
        let e = settings(&config, &env).unwrap_err();
        assert_eq!(
            e.to_string(),
            "rolecall.toml: [github]: api-url: `ghe.example.com` is not an http(s) URL"
        );
        assert_eq!(e.exit_code(), 2);
        config.api_url = Some("https://me:ghp_secret@ghe.example.com".into());
        let e = settings(&config, &env).unwrap_err().to_string();
        assert!(!e.contains("ghp_secret"), "{e}");
    }

    #[test]
    fn token_precedence() {
        let config = GithubConfig { gh_cli: false, ..GithubConfig::default() };
        let env = Env {
            github_token: Some("tok-a\n".into()),
            gh_token: Some("tok-b".into()),
            ..Env::default()
        };
        let s = settings(&config, &env).unwrap();
        assert_eq!(s.token.as_ref().map(Token::expose), Some("tok-a"));
        assert_eq!(s.token_origin, "GITHUB_TOKEN");
        let s = settings(&config, &Env { github_token: None, ..env }).unwrap();
        assert_eq!(s.token_origin, "GH_TOKEN");
        assert!(settings(&config, &Env::default()).unwrap().token.is_none());
    }

    #[test]
    fn gh_hosts() {
        assert_eq!(gh_host("https://api.github.com"), "github.com");
        assert_eq!(gh_host("https://ghe.example.com/api/v3"), "ghe.example.com");
        assert_eq!(gh_host("http://127.0.0.1:9/api/v3"), "127.0.0.1");
    }

    #[test]
    fn bad_concurrency() {
        let config = GithubConfig { concurrency: 0, gh_cli: false, ..GithubConfig::default() };
        let e = settings(&config, &Env::default()).unwrap_err().to_string();
        assert_eq!(e, "rolecall.toml: [github]: concurrency = 0 is out of range (1 to 32)");
    }
}
