//! `rolecall email`: the week's reports by e-mail. One message per role to that role's
//! recipients (or one digest with all three): a short plain-text and HTML summary — the
//! verdict with its status, the reasons, the leadership asks, a link when the config
//! gives one — with the role's PDF attached byte for byte as `report` wrote it.
//!
//! Messages are built with lettre and sent over its synchronous SMTP transport (rustls,
//! no OpenSSL, no async runtime), one SMTP transaction per recipient: a rejected address
//! costs only its own copy, and `<state>/sent/<week>.json` records who got what, so a
//! re-run after a partial failure sends only what is missing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use lettre::address::Envelope;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, Message, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::SmtpTransport;
use lettre::Transport;

use super::digest::{Digest, RoleDigest};
use super::WeekReports;
use crate::config::{EmailConfig, EmailTls, PublishConfig};
use crate::error::{Error, Result};
use crate::model::{Role, Status};
use crate::source::github::client::chain;

/// Mail clients clip larger HTML bodies (Gmail at 102 KB).
const HTML_MAX: usize = 100 * 1024;
/// Lines of reasons and asks a message carries; the report has them all.
const LINES_MAX: usize = 10;

/// One message to send: to whom, what it says, what it carries.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// `product`, `program`, `project` or `digest`: its key in the sent ledger and the
    /// name of its `.eml` file.
    pub kind: String,
    pub to: Vec<Mailbox>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// File name and bytes, as written under `OUT/WEEK/`.
    pub attachments: Vec<(String, Vec<u8>)>,
    /// Attachments left out to stay under the size limit, with their size in bytes.
    pub left_out: Vec<(String, usize)>,
}

/// What makes a message's bytes: fixed in tests (golden `.eml` files), the clock and
/// random values otherwise.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub date: SystemTime,
    pub message_id: Option<String>,
    pub boundary: Option<String>,
}

impl Stamp {
    pub fn now() -> Stamp {
        Stamp { date: SystemTime::now(), message_id: None, boundary: None }
    }
}

/// Where a key of `[email]` was set, for an error about its value: `Config::at` for
/// the `email` table (the file's line, or the `ROLECALL_EMAIL__*` variable).
pub type At<'a> = &'a dyn Fn(&str) -> String;

/// Who the messages come from and go to, resolved from the config and `--to`.
#[derive(Debug, Clone)]
pub struct Addresses {
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
    pub to: BTreeMap<Role, Vec<Mailbox>>,
}

impl Addresses {
    /// From `[email]` and the `--to` addresses (added for every role).
    /// `at` says where a key of `[email]` was set (`Config::at`), for errors.
    pub fn resolve(config: &EmailConfig, extra: &[String], at: At) -> Result<Addresses> {
        let bad = |key: &str, v: &str, e: &dyn std::fmt::Display| Error::Config {
            at: at(key),
            message: format!("{key} = `{v}` is not an e-mail address ({e})"),
        };
        let from = config.from.as_deref().ok_or_else(|| Error::Config {
            at: at("from"),
            message: "`from` is not set: the sender, e.g. from = \"Status <status@acme.example>\""
                .into(),
        })?;
        let from: Mailbox = from.parse().map_err(|e| bad("from", from, &e))?;
        let reply_to = match &config.reply_to {
            Some(r) => Some(r.parse().map_err(|e| bad("reply-to", r, &e))?),
            None => None,
        };
        let mut extra_boxes = Vec::new();
        for a in extra {
            extra_boxes.push(
                a.parse::<Mailbox>().map_err(|e| {
                    Error::Usage(format!("--to `{a}` is not an e-mail address ({e})"))
                })?,
            );
        }
        let mut to = BTreeMap::new();
        for (role, list) in [
            (Role::Product, &config.to.product),
            (Role::Program, &config.to.program),
            (Role::Project, &config.to.project),
        ] {
            let mut boxes = Vec::new();
            for a in list {
                let key = format!("to.{}", role.as_str());
                boxes.push(a.parse::<Mailbox>().map_err(|e| bad(&key, a, &e))?);
            }
            boxes.extend(extra_boxes.iter().cloned());
            dedup(&mut boxes);
            to.insert(role, boxes);
        }
        Ok(Addresses { from, reply_to, to })
    }
}

fn dedup(boxes: &mut Vec<Mailbox>) {
    let mut seen = BTreeSet::new();
    boxes.retain(|b| seen.insert(b.email.to_string().to_lowercase()));
}

/// The plain word of a status (`Amber`), for subjects.
fn word(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Red) => "Red",
        Some(Status::Amber) => "Amber",
        Some(Status::Green) => "Green",
        Some(Status::Unknown) => "Unknown",
        None => "no status",
    }
}

/// Fills a subject template; checked before anything is sent.
pub fn subject(template: &str, data: &serde_json::Value, key: &str, at: At) -> Result<String> {
    let mut hb = handlebars::Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    let text = hb.render_template(template, data).map_err(|e| Error::Config {
        at: at(key),
        message: format!("{key}: the template does not render: {e}"),
    })?;
    // A header is one line.
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The messages of `week`: one per role with recipients, or one digest.
pub fn compose(
    week: &WeekReports,
    config: &EmailConfig,
    publish: &PublishConfig,
    addresses: &Addresses,
    digest: bool,
    at: At,
) -> Result<Vec<Outgoing>> {
    let d = Digest::of(week);
    let mut out = Vec::new();
    if digest {
        let mut to: Vec<Mailbox> = addresses.to.values().flatten().cloned().collect();
        dedup(&mut to);
        if to.is_empty() {
            return Ok(out);
        }
        let statuses = d
            .roles
            .iter()
            .map(|r| format!("{} {}", r.role.title(), word(r.status)))
            .collect::<Vec<_>>()
            .join(" · ");
        let data = serde_json::json!({ "org": d.org, "week": d.week, "statuses": statuses });
        let subject = subject(&config.digest_subject, &data, "digest-subject", at)?;
        let mut attachments = Vec::new();
        for name in ["index.pdf", "product.pdf", "program.pdf", "project.pdf"] {
            if let Some(bytes) = read_pdf(&week.dir, name)? {
                attachments.push((name.to_string(), bytes));
            }
        }
        let link = publish.url_for(&d.week, "index");
        let (text, html) = bodies(&d.title, &d.roles, link.as_deref(), &attachments);
        out.push(Outgoing {
            kind: "digest".into(),
            to,
            subject,
            text,
            html,
            attachments,
            left_out: Vec::new(),
        });
        return Ok(out);
    }
    for r in &d.roles {
        let to = addresses.to.get(&r.role).cloned().unwrap_or_default();
        if to.is_empty() {
            continue;
        }
        let data = serde_json::json!({
            "role": r.role.title(), "org": d.org, "week": d.week,
            "status": word(r.status), "badge": r.status.map_or("", |s| s.badge()),
        });
        let subject = subject(&config.subject, &data, "subject", at)?;
        let name = format!("{}.pdf", r.role.as_str());
        let attachments: Vec<_> =
            read_pdf(&week.dir, &name)?.map(|b| (name.clone(), b)).into_iter().collect();
        let link = publish.url_for(&d.week, r.role.as_str());
        let title = format!(
            "{} report — {}",
            r.role.title(),
            d.title.trim_start_matches("Weekly status — ")
        );
        let (text, html) = bodies(&title, std::slice::from_ref(r), link.as_deref(), &attachments);
        out.push(Outgoing {
            kind: r.role.as_str().into(),
            to,
            subject,
            text,
            html,
            attachments,
            left_out: Vec::new(),
        });
    }
    Ok(out)
}

/// `dir/name` when it is a regular file.
fn read_pdf(dir: &Path, name: &str) -> Result<Option<Vec<u8>>> {
    let path = dir.join(name);
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => std::fs::read(&path)
            .map(Some)
            .map_err(|e| Error::Run(format!("cannot read {}: {e}", path.display()))),
        Ok(_) => Err(Error::Run(format!(
            "{} is not a regular file (a link or a folder): only the files `report` wrote are attached",
            path.display()
        ))),
        Err(_) => Ok(None),
    }
}

/// The plain-text and HTML bodies: the title, then per role its verdict, reasons and asks.
fn bodies(
    title: &str,
    roles: &[RoleDigest],
    link: Option<&str>,
    attachments: &[(String, Vec<u8>)],
) -> (String, String) {
    let mut text = format!("{title}\n\n");
    let mut html = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n<body style=\"font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;line-height:1.45;color:#1f2328;max-width:640px\">\n",
    );
    html.push_str(&format!("<h2 style=\"font-size:18px;margin:0 0 12px\">{}</h2>\n", esc(title)));
    for r in roles {
        let badge = r.status.map_or("no status", |s| s.badge());
        if roles.len() > 1 {
            text.push_str(&format!("{}: {badge}\n", r.role.title()));
        } else {
            text.push_str(&format!("Status: {badge}\n"));
        }
        text.push_str(&format!("{}\n", r.headline));
        html.push_str(&format!(
            "<p style=\"margin:16px 0 4px\"><span style=\"display:inline-block;padding:2px 10px;border-radius:10px;font-weight:600;background:{};color:#fff\">{}</span>{}</p>\n<p style=\"margin:4px 0\">{}</p>\n",
            colour(r.status),
            esc(badge),
            if roles.len() > 1 { format!(" <strong>{}</strong>", esc(r.role.title())) } else { String::new() },
            esc(&r.headline)
        ));
        for (head, lines) in [("Why", &r.reasons), ("Leadership asks", &r.asks)] {
            if lines.is_empty() {
                continue;
            }
            text.push_str(&format!("\n{head}:\n"));
            html.push_str(&format!("<p style=\"margin:10px 0 2px\"><strong>{head}</strong></p>\n<ul style=\"margin:0;padding-left:20px\">\n"));
            for line in lines.iter().take(LINES_MAX) {
                let line = clip(line, 500);
                text.push_str(&format!("- {line}\n"));
                html.push_str(&format!("<li>{}</li>\n", esc(&line)));
            }
            if lines.len() > LINES_MAX {
                let more = format!("and {} more in the report", lines.len() - LINES_MAX);
                text.push_str(&format!("- {more}\n"));
                html.push_str(&format!("<li>{more}</li>\n"));
            }
            html.push_str("</ul>\n");
        }
        text.push('\n');
    }
    let files: Vec<&str> = attachments.iter().map(|(n, _)| n.as_str()).collect();
    let mut closing = Vec::new();
    if !files.is_empty() {
        closing.push(format!(
            "The full report{} attached: {}.",
            if files.len() == 1 { " is" } else { "s are" },
            files.join(", ")
        ));
    }
    if let Some(url) = link {
        closing.push(format!("Read it online: {url}"));
        html.push_str(&format!(
            "<p style=\"margin:16px 0\"><a href=\"{}\">Read the full report online</a></p>\n",
            esc(url)
        ));
    }
    if !files.is_empty() {
        html.push_str(&format!(
            "<p style=\"margin:16px 0;color:#59636e\">{}</p>\n",
            esc(&closing[0])
        ));
    }
    for c in &closing {
        text.push_str(c);
        text.push('\n');
    }
    text.push_str("\n-- \nWritten by rolecall from the week's tracker data.\n");
    html.push_str("<p style=\"margin:24px 0 0;color:#59636e;font-size:12px\">Written by rolecall from the week's tracker data.</p>\n</body></html>\n");
    if html.len() > HTML_MAX {
        html = format!(
            "<!DOCTYPE html>\n<html><body><pre>{}</pre></body></html>\n",
            esc(&clip(&text, HTML_MAX - 200))
        );
    }
    (text, html)
}

fn colour(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Red) => "#cf222e",
        Some(Status::Amber) => "#bc4c00",
        Some(Status::Green) => "#1a7f37",
        _ => "#59636e",
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// The message as MIME: multipart/mixed of a multipart/alternative (text, HTML) and the
/// PDFs. `Auto-Submitted: auto-generated` keeps out-of-office replies away.
pub fn build(o: &Outgoing, addresses: &Addresses, stamp: &Stamp) -> Result<Message> {
    let mut b = Message::builder()
        .from(addresses.from.clone())
        .subject(o.subject.clone())
        .date(stamp.date)
        .message_id(stamp.message_id.clone())
        .user_agent(format!("rolecall {}", env!("CARGO_PKG_VERSION")))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".into(),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Auto-Response-Suppress"),
            "All".into(),
        ));
    if let Some(r) = &addresses.reply_to {
        b = b.reply_to(r.clone());
    }
    for to in &o.to {
        b = b.to(to.clone());
    }
    let mut alternative = MultiPart::alternative();
    if let Some(boundary) = &stamp.boundary {
        alternative = alternative.boundary(format!("{boundary}-alt"));
    }
    let alternative = alternative
        .singlepart(SinglePart::plain(o.text.clone()))
        .singlepart(SinglePart::html(o.html.clone()));
    let body = if o.attachments.is_empty() {
        alternative
    } else {
        let mut mixed = MultiPart::mixed();
        if let Some(boundary) = &stamp.boundary {
            mixed = mixed.boundary(format!("{boundary}-mixed"));
        }
        let pdf = ContentType::parse("application/pdf").map_err(|e| Error::Run(e.to_string()))?;
        let mut mixed = mixed.multipart(alternative);
        for (name, bytes) in &o.attachments {
            mixed =
                mixed.singlepart(Attachment::new(name.clone()).body(bytes.clone(), pdf.clone()));
        }
        mixed
    };
    b.multipart(body).map_err(|e| Error::Run(format!("cannot build the {} message: {e}", o.kind)))
}

/// Builds `o`, dropping its largest PDFs until the encoded message fits `max` bytes
/// (providers' limits count the base64, a third more than the file). Each PDF left out
/// is named in the bodies, with the link when there is one.
pub fn fit(
    mut o: Outgoing,
    addresses: &Addresses,
    stamp: &Stamp,
    max: usize,
    link: Option<&str>,
) -> Result<(Outgoing, Vec<u8>)> {
    loop {
        let bytes = build(&o, addresses, stamp)?.formatted();
        if bytes.len() <= max || o.attachments.is_empty() {
            return Ok((o, bytes));
        }
        let (i, _) =
            o.attachments.iter().enumerate().max_by_key(|(_, (_, b))| b.len()).expect("not empty");
        let (name, data) = o.attachments.remove(i);
        let mb = data.len() as f64 / 1e6;
        let note = match link {
            Some(url) => format!("{name} ({mb:.1} MB) is not attached: the message would pass {} MB. Read it at {url}", max / 1_000_000),
            None => format!("{name} ({mb:.1} MB) is not attached: the message would pass {} MB. It is in the week's reports folder.", max / 1_000_000),
        };
        o.text = o.text.replacen("\n-- \n", &format!("{note}\n\n-- \n"), 1);
        o.html = o.html.replacen(
            "</body>",
            &format!("<p style=\"color:#bc4c00\">{}</p>\n</body>", esc(&note)),
            1,
        );
        o.left_out.push((name, data.len()));
    }
}

/// Where the messages go: the server, its TLS, the login.
#[derive(Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub mode: TlsMode,
    pub user: Option<String>,
    password: Option<String>,
    /// Extra roots to trust (a company CA, a test's certificate).
    pub roots: Vec<Vec<u8>>,
    pub timeout: Duration,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Smtp({})", self.shown())
    }
}

/// How the connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// `smtps://`: TLS from the first byte (port 465).
    Implicit,
    /// `smtp://`: STARTTLS, required (port 587).
    StartTls,
    /// Plaintext: only when the config says `tls = "none"`.
    None,
}

impl Smtp {
    /// From `ROLECALL_SMTP_URL` (else `[email] smtp-url`) and `ROLECALL_SMTP_PASSWORD`.
    pub fn resolve(
        config: &EmailConfig,
        env_url: Option<String>,
        env_password: Option<String>,
        at: At,
    ) -> Result<Smtp> {
        let (raw, from) = match (env_url, &config.smtp_url) {
            (Some(u), _) => (u, "ROLECALL_SMTP_URL".to_string()),
            (None, Some(u)) => (u.clone(), at("smtp-url")),
            (None, None) => {
                return Err(Error::Usage(
                    "no mail server: set ROLECALL_SMTP_URL (smtps://user@smtp.example.com:465) or [email] smtp-url; --dry-run writes the messages as .eml files instead".into(),
                ))
            }
        };
        let bad = |why: &str| Error::Usage(format!("{from}: {why}"));
        let raw = raw.trim();
        let (scheme, rest) = raw
            .split_once("://")
            .ok_or_else(|| bad("expected smtps://host[:port] or smtp://host[:port]"))?;
        let (authority, query) = match rest.split_once(['/', '?']) {
            Some((a, q)) => (a, q.trim_start_matches('/').trim_start_matches('?')),
            None => (rest, ""),
        };
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (user, url_password) = match userinfo {
            Some(u) => match u.split_once(':') {
                Some((name, pass)) => (Some(decode(name)), Some(decode(pass))),
                None => (Some(decode(u)), None),
            },
            None => (None, None),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || hostport.starts_with('[') => (
                h.to_string(),
                Some(p.parse::<u16>().map_err(|_| bad("the port is not a number"))?),
            ),
            _ => (hostport.to_string(), None),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let mut mode = match scheme.to_ascii_lowercase().as_str() {
            "smtps" => TlsMode::Implicit,
            "smtp" => TlsMode::StartTls,
            other => return Err(bad(&format!("`{other}://` is not smtps:// or smtp://"))),
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair {
                "tls=required" => {}
                "tls=none" if config.tls == EmailTls::None => {}
                "tls=none" => {
                    return Err(bad("plaintext (tls=none) is refused unless the config says [email] tls = \"none\": the password and the reports would cross the network readable"))
                }
                other => return Err(bad(&format!("unknown option `{other}` (tls=required is the only one)"))),
            }
        }
        if config.tls == EmailTls::None {
            if mode == TlsMode::Implicit {
                return Err(bad("smtps:// is TLS, but [email] tls = \"none\": use smtp://"));
            }
            mode = TlsMode::None;
        }
        let port = port.unwrap_or(match mode {
            TlsMode::Implicit => 465,
            TlsMode::StartTls => 587,
            TlsMode::None => 25,
        });
        if url_password.is_some() {
            tracing::warn!("{from}: the URL holds a password; ROLECALL_SMTP_PASSWORD keeps it out of files and process lists");
        }
        let password = env_password.filter(|p| !p.is_empty()).or(url_password);
        Ok(Smtp {
            host,
            port,
            mode,
            user,
            password,
            roots: Vec::new(),
            timeout: Duration::from_secs(config.timeout_secs.max(1)),
        })
    }

    /// `smtps://user@host:465`, never with the password.
    pub fn shown(&self) -> String {
        let scheme = if self.mode == TlsMode::Implicit { "smtps" } else { "smtp" };
        let user = self.user.as_ref().map(|u| format!("{u}@")).unwrap_or_default();
        format!("{scheme}://{user}{}:{}", self.host, self.port)
    }

    /// `text` without the password, wherever a server or a library put it: as written,
    /// and as a login sends it, base64-encoded alone (`AUTH LOGIN`) or with the user name
    /// (`AUTH PLAIN`), which a server may echo in its refusal. A password of one or two
    /// characters is hidden only in those encoded forms: hiding every `a` of a message
    /// would make it unreadable and tell which letter the password is.
    pub fn redact(&self, text: &str) -> String {
        let Some(p) = self.password.as_deref().filter(|p| !p.is_empty()) else {
            return text.to_string();
        };
        let user = self.user.as_deref().unwrap_or("");
        let mut forms = vec![
            crate::text::base64(format!("\0{user}\0{p}").as_bytes()),
            crate::text::base64(format!("{user}\0{user}\0{p}").as_bytes()),
            crate::text::base64(p.as_bytes()),
            crate::text::percent_encoded(p),
        ];
        forms.push(p.to_string());
        forms.retain(|f| f.len() >= 3);
        // Longest first: a form inside another is hidden with it.
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.iter().fold(text.to_string(), |t, f| t.replace(f.as_str(), "***"))
    }

    fn transport(&self) -> Result<SmtpTransport> {
        let tls = |host: &str| -> Result<TlsParameters> {
            let mut b = TlsParameters::builder(host.to_string());
            for pem in &self.roots {
                let cert = Certificate::from_pem(pem).map_err(|e| {
                    Error::Run(format!("a certificate to trust does not parse: {e}"))
                })?;
                b = b.add_root_certificate(cert);
            }
            b.build_rustls().map_err(|e| Error::Run(format!("TLS setup: {e}")))
        };
        let mut b = SmtpTransport::builder_dangerous(self.host.clone())
            .port(self.port)
            .timeout(Some(self.timeout))
            .tls(match self.mode {
                TlsMode::Implicit => Tls::Wrapper(tls(&self.host)?),
                TlsMode::StartTls => Tls::Required(tls(&self.host)?),
                TlsMode::None => Tls::None,
            });
        if let Some(user) = &self.user {
            b = b.credentials(Credentials::new(
                user.clone(),
                self.password.clone().unwrap_or_default(),
            ));
        }
        Ok(b.build())
    }
}

/// `%40` → `@` in a URL's user name or password.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Who got which message of a week: `<state>/sent/<week>.json`.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Ledger {
    #[serde(default)]
    pub sent: BTreeMap<String, BTreeSet<String>>,
    #[serde(skip)]
    path: PathBuf,
}

impl Ledger {
    pub fn load(state_dir: &Path, week: &str) -> Result<Ledger> {
        let path = state_dir.join("sent").join(format!("{week}.json"));
        let mut ledger = match crate::files::read_state(&path) {
            Ok(bytes) => serde_json::from_slice::<Ledger>(&bytes).map_err(|e| {
                Error::Run(format!("{}: {e}; remove it to send everything again", path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ledger::default(),
            Err(e) => return Err(Error::Run(format!("cannot read {}: {e}", path.display()))),
        };
        ledger.path = path;
        Ok(ledger)
    }

    pub fn has(&self, kind: &str, to: &Mailbox) -> bool {
        self.sent.get(kind).is_some_and(|s| s.contains(&to.email.to_string().to_lowercase()))
    }

    /// Records a delivery and stores the ledger at once (temporary file, then rename),
    /// so a run stopped half-way still knows who got theirs.
    pub fn record(&mut self, kind: &str, to: &Mailbox) -> Result<()> {
        self.sent.entry(kind.to_string()).or_default().insert(to.email.to_string().to_lowercase());
        self.store()
    }

    /// Stores the ledger as it is: done before anything is sent, so that a ledger that
    /// cannot be written (a read-only or full disk, a linked folder) stops the run
    /// before the first message rather than after it, every run again.
    pub fn store(&self) -> Result<()> {
        let root = self.path.parent().and_then(Path::parent).unwrap_or(Path::new("."));
        crate::files::write_inside(root, &self.path, |w| {
            serde_json::to_writer_pretty(w, self).map_err(std::io::Error::other)
        })
        .map_err(|e| {
            // Not the temporary file's name: the ledger is what could not be stored.
            let why = match e.kind() {
                std::io::ErrorKind::Other => e.to_string(),
                kind => kind.to_string(),
            };
            Error::Run(format!(
                "cannot store the ledger of sent messages {}: {why}",
                self.path.display()
            ))
        })
    }
}

/// What happened to one copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Already sent by an earlier run (the ledger).
    Skipped,
    /// Not sent, and why.
    Failed(String),
    /// Sent, but not in the ledger (it could not be written): a re-run sends it again.
    Unrecorded(String),
    /// The server stopped answering while the message went: it may have been
    /// delivered; not in the ledger, so a re-run sends it again.
    Unknown(String),
}

/// Sends each message to each of its recipients not in the ledger (all with `resend`).
/// Stops early when the server cannot be reached or refuses the login: those are the
/// same for every copy. Returns (message kind, recipient, outcome) in order.
///
/// Each copy's outcome is told to `told` as soon as it is known, so that a run stopped
/// half-way (SIGTERM, a lost connection) has already said what went out. A delivery
/// the ledger cannot record (a full or read-only disk) stops the run: sending on would
/// send what a re-run cannot know was sent.
pub fn send(
    messages: &[(Outgoing, Vec<u8>)],
    addresses: &Addresses,
    smtp: &Smtp,
    ledger: &mut Ledger,
    resend: bool,
    told: &mut dyn FnMut(&str, &Mailbox, &Delivery),
) -> Result<Vec<(String, Mailbox, Delivery)>> {
    let transport = smtp.transport()?;
    let mut results = Vec::new();
    let mut stop: Option<String> = None;
    let mut broken_in_a_row = 0;
    let mut tell = |kind: &str, to: &Mailbox, d: Delivery| {
        told(kind, to, &d);
        results.push((kind.to_string(), to.clone(), d));
    };
    for (o, bytes) in messages {
        for to in &o.to {
            if !resend && ledger.has(&o.kind, to) {
                tell(&o.kind, to, Delivery::Skipped);
                continue;
            }
            if let Some(why) = &stop {
                tell(&o.kind, to, Delivery::Failed(why.clone()));
                continue;
            }
            let envelope =
                Envelope::new(Some(addresses.from.email.clone()), vec![to.email.clone()])
                    .map_err(|e| Error::Run(format!("envelope for {to}: {e}")))?;
            // A signal waits for the copy under way to be sent and recorded (or to
            // fail), as it waits for renames: stopped in between, the copy went out,
            // the ledger did not know, and a re-run sent it twice.
            let _whole = crate::interrupt::renaming();
            match transport.send_raw(&envelope, bytes) {
                Ok(_) => {
                    broken_in_a_row = 0;
                    match ledger.record(&o.kind, to) {
                        Ok(()) => tell(&o.kind, to, Delivery::Sent),
                        Err(e) => {
                            tell(&o.kind, to, Delivery::Unrecorded(e.to_string()));
                            stop = Some(format!("not tried after: {e}"));
                        }
                    }
                }
                Err(e) => {
                    let (why, fatal) = explain(&e, smtp);
                    broken_in_a_row = if fatal { broken_in_a_row + 1 } else { 0 };
                    let why = smtp.redact(&why);
                    // Said once, by `tell`, as it happens (and the closing error
                    // names the first reason, also under -q): a warning said it twice.
                    tracing::debug!("{} to {to}: {why}", o.kind);
                    if timed_out(&e) {
                        tell(&o.kind, to, Delivery::Unknown(why.clone()));
                        stop = Some(format!("not tried after {} stopped answering", smtp.shown()));
                        continue;
                    }
                    tell(&o.kind, to, Delivery::Failed(why.clone()));
                    let same_for_all = is_unreachable(&e) || e.status().is_some();
                    if fatal && (same_for_all || broken_in_a_row >= 2) {
                        stop = Some(format!("not tried after: {why}"));
                    }
                }
            }
        }
    }
    Ok(results)
}

/// A sentence for an SMTP failure, and whether it is the same for every copy.
fn explain(e: &lettre::transport::smtp::Error, smtp: &Smtp) -> (String, bool) {
    let server = smtp.shown();
    let detail = smtp.redact(&chain(e));
    if let Some(code) = e.status() {
        let code = code.to_string();
        if matches!(code.as_str(), "530" | "534" | "535" | "538" | "454")
            && detail.to_ascii_lowercase().contains("auth")
        {
            let user = smtp.user.as_deref().unwrap_or("(no user)");
            return (
                format!("{server} refused the login for {user} ({detail}): check ROLECALL_SMTP_PASSWORD (Gmail and Microsoft 365 need an app password or SMTP AUTH turned on)"),
                true,
            );
        }
        if e.is_permanent() {
            return (format!("refused by {server}: {detail}"), false);
        }
        return (format!("deferred by {server} (try again later): {detail}"), false);
    }
    if timed_out(e) {
        return (
            format!(
                "{server} did not answer within {} s ([email] timeout-secs); it may have \
                 been delivered all the same",
                smtp.timeout.as_secs()
            ),
            true,
        );
    }
    if is_unreachable(e) {
        return (format!("cannot connect to {server}: {detail}"), true);
    }
    if detail.contains("STARTTLS is not supported") {
        return (format!("{server} does not offer STARTTLS, and rolecall sends only encrypted: use its TLS port (smtps://, 465) or, for a relay on this machine or network, [email] tls = \"none\""), true);
    }
    if detail.contains("certificate") {
        return (format!("TLS with {server} failed: the server's certificate is not trusted ({detail}); when a company CA signed it, name that CA's PEM file in [email] ca-file"), true);
    }
    if e.is_tls() || detail.contains("handshake") {
        return (format!("TLS with {server} failed: {detail}"), true);
    }
    (format!("the connection to {server} broke off ({detail}): not delivered"), true)
}

/// A read that waited `timeout-secs`: `TimedOut`, or on Unix `WouldBlock` (a socket's
/// read timeout is EAGAIN there, which lettre's own `is_timeout` does not count).
fn timed_out(e: &lettre::transport::smtp::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            );
        }
        source = err.source();
    }
    false
}

fn is_unreachable(e: &lettre::transport::smtp::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::HostUnreachable
                    | std::io::ErrorKind::NetworkUnreachable
                    | std::io::ErrorKind::AddrNotAvailable
            ) || io.to_string().contains("failed to lookup address");
        }
        source = err.source();
    }
    false
}

/// Writes each message as `OUT/WEEK/email/<kind>.eml` (for `--dry-run`).
pub fn write_eml(dir: &Path, messages: &[(Outgoing, Vec<u8>)]) -> Result<Vec<PathBuf>> {
    let week = dir;
    let dir = dir.join("email");
    let mut written = Vec::new();
    for (o, bytes) in messages {
        let path = dir.join(format!("{}.eml", o.kind));
        crate::files::write_inside(week, &path, |w| w.write_all(bytes))
            .map_err(|e| Error::Run(format!("cannot write {}: {e}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp(url: &str, tls: EmailTls) -> Result<Smtp> {
        let config = EmailConfig { tls, ..EmailConfig::default() };
        Smtp::resolve(&config, Some(url.into()), Some("s3cret!pw".into()), &|k| {
            format!("rolecall.toml: [email] {k}")
        })
    }

    #[test]
    fn smtp_urls() {
        let s = smtp("smtps://me%40acme.example@smtp.acme.example", EmailTls::Required).unwrap();
        assert_eq!(
            (s.mode, s.port, s.user.as_deref()),
            (TlsMode::Implicit, 465, Some("me@acme.example"))
        );
        assert_eq!(s.shown(), "smtps://me@acme.example@smtp.acme.example:465");
        let s = smtp("smtp://relay:2525?tls=required", EmailTls::Required).unwrap();
        assert_eq!((s.mode, s.port, s.host.as_str()), (TlsMode::StartTls, 2525, "relay"));
        let e = smtp("smtp://relay?tls=none", EmailTls::Required).unwrap_err().to_string();
        assert!(e.contains("plaintext (tls=none) is refused unless the config says"), "{e}");
        let s = smtp("smtp://localhost:25", EmailTls::None).unwrap();
        assert_eq!(s.mode, TlsMode::None);
        assert!(smtp("http://x", EmailTls::Required).is_err());
        assert!(smtp("smtp://x:port", EmailTls::Required).is_err());
        // The password never shows.
        let s = smtp("smtps://me:s3cret!pw@h", EmailTls::Required).unwrap();
        assert!(!format!("{s:?} {}", s.shown()).contains("s3cret"));
        assert_eq!(s.redact("535 bad s3cret!pw"), "535 bad ***");
        // Echoed as the login sent it: AUTH PLAIN's `\0user\0password`, AUTH LOGIN's
        // password alone, both base64; and percent-encoded, as in a URL.
        let plain = crate::text::base64(b"\0me\0s3cret!pw");
        let login = crate::text::base64(b"s3cret!pw");
        let said = s.redact(&format!("535 failed for {plain} / {login} / s3cret%21pw"));
        assert_eq!(said, "535 failed for *** / *** / ***");
        // A two-letter password is hidden where it is encoded, not in every word.
        let config = EmailConfig::default();
        let s = Smtp::resolve(&config, Some("smtps://me@h".into()), Some("ab".into()), &|k| {
            k.to_string()
        })
        .unwrap();
        let plain = crate::text::base64(b"\0me\0ab");
        assert_eq!(s.redact(&format!("535 about {plain}")), "535 about ***");
    }
}
