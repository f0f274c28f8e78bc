//! `[publish]` and `[email]`: where a week's written reports are carried.

use serde::{Deserialize, Serialize};

/// `[publish]` in `rolecall.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PublishConfig {
    /// Where readers find the full reports, linked from Slack messages and emails:
    /// `{week}` and `{role}` are filled in (`https://acme.example/status/{week}/{role}.pdf`).
    pub report_url: Option<String>,
    /// The environment variable holding the Slack incoming-webhook URL (a secret: it is
    /// never read from this file, and never printed).
    pub slack_webhook_env: String,
}

impl Default for PublishConfig {
    fn default() -> Self {
        PublishConfig { report_url: None, slack_webhook_env: "SLACK_WEBHOOK_URL".into() }
    }
}

impl PublishConfig {
    /// `report-url` for `week` and `role` (`index` for the week's index), if set.
    pub fn url_for(&self, week: &str, role: &str) -> Option<String> {
        self.report_url.as_ref().map(|u| u.replace("{week}", week).replace("{role}", role))
    }
}

/// `[email]` in `rolecall.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct EmailConfig {
    /// The sender: `Status bot <status@acme.example>`.
    pub from: Option<String>,
    /// Where replies go, when not to the sender.
    pub reply_to: Option<String>,
    /// Recipients per role; the digest goes to all of them.
    pub to: EmailTo,
    /// The subject, a Handlebars template over `role`, `org`, `week` and `status`.
    pub subject: String,
    /// The digest's subject (`--digest`): `org`, `week` and `statuses`.
    pub digest_subject: String,
    /// `smtps://user@host:465` (TLS from the start) or `smtp://user@host:587` (STARTTLS);
    /// `ROLECALL_SMTP_URL` wins. The password comes from `ROLECALL_SMTP_PASSWORD`.
    pub smtp_url: Option<String>,
    /// `required` (default: implicit TLS for `smtps://`, STARTTLS for `smtp://`) or
    /// `none` (plaintext, for a relay on the same machine or network only).
    pub tls: EmailTls,
    /// A PEM file of certificates to trust besides the system's (a company CA).
    pub ca_file: Option<String>,
    /// How long the server may take to answer, in seconds.
    pub timeout_secs: u64,
    /// The largest encoded message, in MB: larger PDFs are linked instead of attached.
    pub max_message_mb: u32,
}

impl Default for EmailConfig {
    fn default() -> Self {
        EmailConfig {
            from: None,
            reply_to: None,
            to: EmailTo::default(),
            subject: "{{role}} status — {{org}} {{week}}: {{status}}".into(),
            digest_subject: "Weekly status — {{org}} {{week}}: {{statuses}}".into(),
            smtp_url: None,
            tls: EmailTls::Required,
            ca_file: None,
            timeout_secs: 30,
            max_message_mb: 20,
        }
    }
}

/// `[email.to]`: addresses per role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct EmailTo {
    pub product: Vec<String>,
    pub program: Vec<String>,
    pub project: Vec<String>,
}

/// Whether the connection to the mail server is encrypted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmailTls {
    #[default]
    Required,
    None,
}
