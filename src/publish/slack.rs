//! `--to slack`: the week's three verdicts as one message to a Slack incoming webhook
//! (Block Kit sections, a plain-text fallback for notifications). The webhook URL is a
//! secret read from the environment; it is never printed, and no GitHub token is sent.

use std::time::Duration;

use http_body_util::BodyExt;
use serde_json::{json, Value};

use super::digest::Digest;
use crate::config::PublishConfig;
use crate::error::{Error, Result};

/// Slack refuses a section's text over 3,000 characters and a header over 150.
const SECTION_MAX: usize = 3_000;
const HEADER_MAX: usize = 150;

/// The message: Block Kit blocks and a `text` fallback.
pub fn message(digest: &Digest, config: &PublishConfig) -> Value {
    let mut blocks = vec![json!({
        "type": "header",
        "text": { "type": "plain_text", "text": clip(&digest.title, HEADER_MAX), "emoji": true }
    })];
    let mut fallback = Vec::new();
    for r in &digest.roles {
        let badge = r.status.map_or("no status", |s| s.badge());
        fallback.push(format!("{} {badge}", r.role.title()));
        let mut text = format!("*{}* · {badge}\n{}", r.role.title(), escape(&r.headline));
        for line in r.reasons.iter().take(3) {
            text.push_str(&format!("\n• {}", escape(line)));
        }
        if !r.asks.is_empty() {
            text.push_str("\n*Asks:*");
            for ask in r.asks.iter().take(3) {
                text.push_str(&format!("\n• {}", escape(ask)));
            }
            if r.asks.len() > 3 {
                text.push_str(&format!("\n• and {} more in the report", r.asks.len() - 3));
            }
        }
        if let Some(url) = config.url_for(&digest.week, r.role.as_str()) {
            text.push_str(&format!("\n<{}|Read the {} report>", link(&url), r.role.title()));
        }
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": clip(&text, SECTION_MAX) }
        }));
    }
    if let Some(url) = config.url_for(&digest.week, "index") {
        blocks.push(json!({
            "type": "context",
            "elements": [{ "type": "mrkdwn", "text": format!("<{}|All reports of {}>", link(&url), digest.week) }]
        }));
    }
    json!({ "text": format!("{}: {}", digest.title, fallback.join(", ")), "blocks": blocks })
}

/// Slack's mrkdwn: `&`, `<` and `>` are escaped; nothing else is (a title's `*` stays).
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A URL inside `<url|text>`: `|` and `>` would end it.
fn link(url: &str) -> String {
    url.replace('|', "%7C").replace('>', "%3E").replace('<', "%3C")
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// The webhook URL from the environment variable `var`, checked.
pub fn webhook(var: &str) -> Result<String> {
    let url = std::env::var(var).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let Some(url) = url else {
        return Err(Error::Usage(format!(
            "--to slack needs the incoming-webhook URL in the environment variable {var} \
             (Slack: Apps → Incoming Webhooks → Add New Webhook; in a workflow, from a secret)"
        )));
    };
    check(&url).map_err(|why| Error::Usage(format!("{var}: {why}")))?;
    Ok(url)
}

/// Why `url` is not a webhook URL rolecall posts to: HTTPS only, except to this machine.
fn check(url: &str) -> std::result::Result<(), String> {
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        let host = rest.split(['/', ':']).next().unwrap_or("");
        if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
            return Err(
                "not an https:// URL: the webhook URL is a secret and travels only over TLS".into(),
            );
        }
        rest
    } else {
        return Err("not an https:// URL".into());
    };
    if rest.split('/').next().unwrap_or("").contains('@') {
        return Err("a URL with a user name is not a webhook URL".into());
    }
    http::Uri::try_from(url).map(|_| ()).map_err(|_| "not a valid URL".into())
}

/// Hides the webhook in a text (an error, a server's answer): the whole URL, and also its
/// path and the path's last part, which a proxy's error page may echo on their own
/// (`you posted to /services/T000/B000/XXXX`) — the secret is in them.
fn hider(url: &str, var: &str) -> impl Fn(String) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("", |at| &rest[at..]).trim_end_matches('/');
    let last = path.rsplit('/').next().unwrap_or("");
    let mut secrets = vec![url.trim_end_matches('/').to_string()];
    secrets.extend([path, last].iter().filter(|s| s.len() >= 8).map(|s| s.to_string()));
    // Also as a server echoing it in a query or an error page may write it.
    let encoded: Vec<String> = secrets.iter().map(|s| crate::text::percent_encoded(s)).collect();
    secrets.extend(encoded);
    // Longest first: the path inside the URL is hidden with the URL.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    let shown = format!("${var}");
    move |mut s: String| {
        for secret in &secrets {
            s = s.replace(secret.as_str(), &shown);
        }
        s
    }
}

/// Posts `message` to the webhook at `url`. Slack answers `ok`; a 429 is waited out
/// (its `Retry-After`, at most a minute) and tried again, twice at most.
pub fn post(url: &str, message: &Value, var: &str, timeout: Duration) -> Result<()> {
    let hide = hider(url, var);
    crate::par::block_on(|| async {
        let origin = crate::source::github::client::origin(url)
            .ok_or_else(|| Error::Usage(format!("{var}: not a valid URL")))?
            .to_string();
        let octo = octocrab::Octocrab::builder()
            .base_uri(origin.as_str())
            .map_err(|_| Error::Usage(format!("{var}: not a valid URL")))?
            .add_retry_config(octocrab::service::middleware::retry::RetryConfig::None)
            .set_connect_timeout(Some(timeout))
            .set_read_timeout(Some(timeout))
            .build()
            .map_err(|e| Error::Run(format!("cannot start the HTTP client: {e}")))?;
        let mut attempt = 0;
        loop {
            let uri = http::Uri::try_from(url)
                .map_err(|_| Error::Usage(format!("{var}: not a valid URL")))?;
            let request = octo
                .build_request(http::Request::builder().method("POST").uri(uri), Some(message))
                .map_err(|e| Error::Run(format!("cannot build the Slack request: {e}")))?;
            let sent = tokio::time::timeout(timeout * 2, async {
                let response = octo.execute(request).await.map_err(|e| {
                    let cause = std::error::Error::source(&e).unwrap_or(&e);
                    format!("the request failed: {}", crate::source::github::client::chain(cause))
                })?;
                let (parts, body) = response.into_parts();
                let body =
                    body.collect().await.map_err(|e| format!("the answer broke off: {e}"))?;
                Ok::<_, String>((parts, body.to_bytes()))
            })
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {} s", (timeout * 2).as_secs())));
            let (parts, body) = sent.map_err(|why| {
                Error::Run(format!(
                    "Slack ({var}): {why}; nothing is known to be posted (run again to retry)"
                ))
            })?;
            // Hidden before it is cut: a secret cut in two would no longer be found.
            let text = hide(String::from_utf8_lossy(&body).into_owned());
            let text = text.chars().take(200).collect::<String>();
            let status = parts.status.as_u16();
            if parts.status.is_success() {
                return Ok(());
            }
            if status == 429 && attempt < 2 {
                attempt += 1;
                let wait = parts
                    .headers
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(1)
                    .min(60);
                tracing::warn!("Slack: rate limited; trying again in {wait} s");
                tokio::time::sleep(Duration::from_secs(wait)).await;
                continue;
            }
            let meaning = match (status, text.trim()) {
                (404, _) | (_, "no_service") => {
                    "the webhook is unknown or was removed: create a new one and update the secret"
                }
                (410, _) | (_, "channel_is_archived") => "the webhook's channel is archived",
                (403, _) | (_, "action_prohibited") => {
                    "the workspace does not allow this webhook to post"
                }
                (400, _) => "Slack refused the message",
                (429, _) => "Slack's rate limit held on three tries: run again later",
                _ => "Slack did not take the message",
            };
            return Err(Error::Run(format!(
                "Slack ({var}) answered {status} {}: {meaning}",
                text.trim()
            )));
        }
    })
    .map_err(|e| Error::Run(format!("cannot start the async runtime: {e}")))
    .and_then(|r| r)
    .map_err(|e| e.map_text(|s| hide(s.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server's answer that echoes the webhook's path (a proxy's error page) does not
    /// print the secret in it.
    #[test]
    fn webhook_secrets_are_hidden_in_answers() {
        let hide =
            hider("https://hooks.slack.com/services/T000/B000/SECRETxyz123", "SLACK_WEBHOOK_URL");
        let said = hide(
            "answered 500 you posted to /services/T000/B000/SECRETxyz123 (SECRETxyz123) at https://hooks.slack.com/services/T000/B000/SECRETxyz123".into(),
        );
        assert!(!said.contains("SECRET"), "{said}");
        assert!(said.contains("$SLACK_WEBHOOK_URL"), "{said}");
        let said = hide(
            "posted to https%3A%2F%2Fhooks.slack.com%2Fservices%2FT000%2FB000%2FSECRETxyz123"
                .into(),
        );
        assert!(!said.contains("SECRET") && !said.contains("T000"), "{said}");
    }

    #[test]
    fn webhook_urls_travel_over_tls_only() {
        assert!(check("https://hooks.slack.com/services/T0/B0/x").is_ok());
        assert!(check("http://127.0.0.1:9000/hook").is_ok());
        assert!(check("http://hooks.slack.com/services/T0/B0/x").unwrap_err().contains("TLS"));
        assert!(check("ftp://x").is_err());
        assert!(check("https://user@hooks.slack.com/x").is_err());
    }

    #[test]
    fn mrkdwn_is_escaped_and_clipped() {
        assert_eq!(escape("a <b> & c"), "a &lt;b&gt; &amp; c");
        assert_eq!(link("https://x/a|b>"), "https://x/a%7Cb%3E");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
