//! `rolecall email` against a real SMTP server inside the test process (see
//! `common/smtp.rs`): what the server received — envelope, headers, both body parts, each
//! PDF byte for byte — parsed with mail-parser, not searched as text; STARTTLS with a
//! certificate the test trusts; the login; a refused recipient; a dropped connection;
//! the sent ledger; golden `.eml` files with the date, Message-ID and boundaries fixed.

use std::path::{Path, PathBuf};

use mail_parser::{MessageParser, MimeHeaders};
use serde_json::Value;

use crate::common::smtp::{self, Encryption, Options, Server};
use crate::common::{self, golden};

const PASSWORD: &str = "app-pass-Never-Printed-42";

struct Week {
    dir: tempfile::TempDir,
    out: PathBuf,
    config: String,
}

impl Week {
    /// The demo week written with PDFs, and a config sending through `port`.
    fn new(port: u16, extra: &str) -> Week {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        let out_s = out.display().to_string();
        let (code, _, err) =
            common::run(&["report", "--demo", "-o", &out_s, "--format", "md,json,pdf"]);
        assert_eq!(code, 0, "{err}");
        let config = dir.path().join("rolecall.toml");
        std::fs::write(
            &config,
            format!(
                "[email]\nfrom = \"Status bot <status@acme.example>\"\nsmtp-url = \"smtp://bot@127.0.0.1:{port}\"\nca-file = \"{}\"\ntimeout-secs = 5\n{extra}\n[email.to]\nproduct = [\"pm@acme.example\"]\nprogram = [\"tpm@acme.example\", \"Chief Tech <cto@acme.example>\"]\nproject = [\"Jürgen Planer <pjm@acme.example>\"]\n",
                smtp::ca_file().display()
            ),
        )
        .expect("config written");
        Week { dir, out, config: config.display().to_string() }
    }

    fn email(&self, extra: &[&str], password: &str) -> (i32, String, String) {
        let out = self.out.display().to_string();
        let mut args = vec!["-c", &self.config, "email", "-o", &out];
        args.extend_from_slice(extra);
        let got = common::run_in(self.dir.path(), &args, &[("ROLECALL_SMTP_PASSWORD", password)]);
        if !password.is_empty() {
            assert!(!got.1.contains(password) && !got.2.contains(password), "the password leaked");
        }
        got
    }

    fn file(&self, name: &str) -> PathBuf {
        self.out.join("2026-W48").join(name)
    }

    fn json(&self, role: &str) -> Value {
        serde_json::from_slice(&std::fs::read(self.file(&format!("{role}.json"))).expect("json"))
            .expect("JSON")
    }
}

fn login() -> Options {
    Options { login: Some(("bot".into(), PASSWORD.into())), ..Options::default() }
}

#[test]
fn one_message_per_role_over_starttls_with_its_pdf_byte_for_byte() {
    let server = Server::start(login());
    let week = Week::new(server.port, "");
    let (code, stdout, err) = week.email(&[], PASSWORD);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        stdout,
        "sent product to pm@acme.example\nsent program to tpm@acme.example\nsent program to Chief Tech <cto@acme.example>\nsent project to Jürgen Planer <pjm@acme.example>\n"
    );
    let got = server.received();
    // One SMTP transaction per recipient, encrypted, logged in, from the sender.
    let envelopes: Vec<(&str, Vec<&str>)> = got
        .iter()
        .map(|r| (r.mail_from.as_str(), r.rcpt_to.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        envelopes,
        vec![
            ("status@acme.example", vec!["pm@acme.example"]),
            ("status@acme.example", vec!["tpm@acme.example"]),
            ("status@acme.example", vec!["cto@acme.example"]),
            ("status@acme.example", vec!["pjm@acme.example"]),
        ]
    );
    assert!(got.iter().all(|r| r.tls && r.user.as_deref() == Some("bot")));
    for (r, role) in got.iter().zip(["product", "program", "program", "project"]) {
        let m = MessageParser::default().parse(&r.data).expect("a MIME message");
        let report = week.json(role);
        let status = report["verdict"]["status"].as_str().expect("status");
        let word = format!("{}{}", status[..1].to_uppercase(), &status[1..]);
        let title = format!("{}{}", role[..1].to_uppercase(), &role[1..]);
        assert_eq!(
            m.subject(),
            Some(format!("{title} status — Acme Analytics 2026-W48: {word}").as_str())
        );
        assert_eq!(
            m.from().and_then(|a| a.first()).and_then(|a| a.address()),
            Some("status@acme.example")
        );
        assert_eq!(m.header_raw("Auto-Submitted").map(str::trim), Some("auto-generated"));
        // Both parts say the verdict, its reasons and (program) the asks.
        let text = m.body_text(0).expect("a text part");
        let html = m.body_html(0).expect("an HTML part");
        let headline = report["verdict"]["headline"].as_str().expect("headline");
        assert!(text.contains(headline), "{text}");
        assert!(html.contains(&headline.replace('&', "&amp;")), "{html}");
        for reason in report["verdict"]["reasons"].as_array().expect("reasons") {
            assert!(text.contains(reason.as_str().expect("text")), "{text}");
        }
        if role == "program" {
            let asks = report["leadership_asks"].as_array().expect("asks");
            assert!(!asks.is_empty());
            for ask in asks {
                assert!(text.contains(ask.as_str().expect("text")), "{text}");
            }
        }
        // The PDF, byte for byte as `report` wrote it.
        let attachments: Vec<_> = m.attachments().collect();
        assert_eq!(attachments.len(), 1);
        assert_eq!(attachments[0].attachment_name(), Some(format!("{role}.pdf").as_str()));
        let on_disk = std::fs::read(week.file(&format!("{role}.pdf"))).expect("pdf");
        assert!(attachments[0].contents() == on_disk.as_slice(), "{role}.pdf differs");
    }
    // The ledger: a re-run sends nothing; --resend sends again.
    let (code, stdout, err) = week.email(&[], PASSWORD);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.lines().all(|l| l.starts_with("skipped ")), "{stdout}");
    assert_eq!(server.received().len(), 4);
    let (code, _, err) = week.email(&["--resend", "--digest"], PASSWORD);
    assert_eq!(code, 0, "{err}");
    let got = server.received();
    assert_eq!(got.len(), 8, "the digest to each of the four");
    let m = MessageParser::default().parse(&got[7].data).expect("MIME");
    assert_eq!(
        m.subject(),
        Some("Weekly status — Acme Analytics 2026-W48: Product Amber · Program Red · Project Red")
    );
    let names: Vec<_> =
        m.attachments().filter_map(|a| a.attachment_name().map(str::to_string)).collect();
    assert_eq!(names, ["index.pdf", "product.pdf", "program.pdf", "project.pdf"]);
}

#[test]
fn a_refused_recipient_does_not_stop_the_others_and_a_rerun_sends_only_theirs() {
    let server = Server::start(Options { reject: vec!["cto@acme.example".into()], ..login() });
    let week = Week::new(server.port, "");
    let (code, stdout, err) = week.email(&[], PASSWORD);
    assert_eq!(code, 1);
    let port = server.port;
    assert!(stdout.contains(&format!(
        "NOT sent program to Chief Tech <cto@acme.example>: refused by smtp://bot@127.0.0.1:{port}: permanent error (550): 5.1.1 <cto@acme.example>: Recipient address rejected: User unknown\n"
    )), "{stdout}");
    // The closing error says it all, for a `-q` run that prints nothing else: which
    // copy, and why.
    assert!(err.contains("error: 1 of 4 messages not sent (program to cto@acme.example); run again to send them — refused by smtp://bot@127.0.0.1:"), "{err}");
    assert!(err.ends_with("Recipient address rejected: User unknown\n"), "{err}");
    assert_eq!(server.received().len(), 3, "the other three got theirs");
    // The address is fixed on the server's side: only the missing copy goes out.
    server.options.lock().expect("lock").reject.clear();
    let (code, stdout, err) = week.email(&[], PASSWORD);
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout.matches("skipped ").count(), 3, "{stdout}");
    let got = server.received();
    assert_eq!(got.len(), 4);
    assert_eq!(got[3].rcpt_to, ["cto@acme.example"]);
}

#[test]
fn server_faults_are_one_clear_line_each() {
    // A wrong password: said once, nothing more is tried.
    let server = Server::start(login());
    let week = Week::new(server.port, "");
    let port = server.port;
    let (code, stdout, _) = week.email(&[], "wrong-password");
    assert_eq!(code, 1);
    let first = stdout.lines().next().expect("a line");
    assert!(first.starts_with(&format!("NOT sent product to pm@acme.example: smtp://bot@127.0.0.1:{port} refused the login for bot (")), "{first}");
    assert!(first.ends_with("check ROLECALL_SMTP_PASSWORD (Gmail and Microsoft 365 need an app password or SMTP AUTH turned on)"), "{first}");
    assert!(stdout.lines().skip(1).all(|l| l.contains(": not tried after: ")), "{stdout}");
    assert!(server.received().is_empty());

    // A server that offers no STARTTLS: nothing goes out in plaintext.
    let plain = Server::start(Options { tls: Encryption::None, ..login() });
    let week = Week::new(plain.port, "");
    let (code, stdout, _) = week.email(&[], PASSWORD);
    assert_eq!(code, 1);
    assert!(stdout.starts_with(&format!(
        "NOT sent product to pm@acme.example: smtp://bot@127.0.0.1:{} does not offer STARTTLS, and rolecall sends only encrypted",
        plain.port
    )), "{stdout}");
    assert!(plain.received().is_empty());

    // Nothing listening.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let week = Week::new(closed, "");
    let (code, stdout, stderr) = week.email(&[], PASSWORD);
    assert_eq!(code, 1);
    assert!(stdout.starts_with(&format!("NOT sent product to pm@acme.example: cannot connect to smtp://bot@127.0.0.1:{closed}: ")), "{stdout}");
    // Said once as it happens and once in the closing error, not a third time.
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert_eq!(stderr.lines().filter(|l| l.contains("cannot connect")).count(), 1, "{stderr}");

    // A certificate nobody vouches for (no ca-file): TLS fails, said so.
    let server = Server::start(login());
    let week = Week::new(server.port, "");
    let config = std::fs::read_to_string(&week.config).expect("config");
    let without_ca: String =
        config.lines().filter(|l| !l.starts_with("ca-file")).map(|l| format!("{l}\n")).collect();
    std::fs::write(&week.config, without_ca).expect("written");
    let (code, stdout, _) = week.email(&[], PASSWORD);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with(&format!(
            "NOT sent product to pm@acme.example: TLS with smtp://bot@127.0.0.1:{}",
            server.port
        )),
        "{stdout}"
    );
    assert!(stdout.contains("the server's certificate is not trusted"), "{stdout}");
    assert!(stdout.contains("name that CA's PEM file in [email] ca-file"), "{stdout}");
    assert!(server.received().is_empty());

    // Plaintext only when the config says so, and then it works (a local relay).
    let relay = Server::start(Options { tls: Encryption::None, ..Options::default() });
    let week = Week::new(relay.port, "tls = \"none\"");
    let config =
        std::fs::read_to_string(&week.config).expect("config").replace("smtp://bot@", "smtp://");
    std::fs::write(&week.config, config).expect("written");
    let (code, _, err) = week.email(&[], PASSWORD);
    assert_eq!(code, 0, "{err}");
    assert_eq!(relay.received().len(), 4);
    assert!(relay.received().iter().all(|r| !r.tls));
}

#[test]
fn implicit_tls_and_a_connection_dropped_mid_data() {
    let server = Server::start(Options {
        tls: Encryption::Implicit,
        drop_in_data_for: Some("tpm@acme.example".into()),
        ..login()
    });
    let week = Week::new(server.port, "");
    let config =
        std::fs::read_to_string(&week.config).expect("config").replace("smtp://", "smtps://");
    std::fs::write(&week.config, config).expect("written");
    let (code, stdout, err) = week.email(&[], PASSWORD);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(
            "NOT sent program to tpm@acme.example: the connection to smtps://bot@127.0.0.1:"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("): not delivered\n"), "{stdout}");
    assert!(err.contains("1 of 4 messages not sent (program to tpm@acme.example)"), "{err}");
    let got: Vec<String> = server.received().iter().map(|r| r.rcpt_to.join(",")).collect();
    assert_eq!(got, ["pm@acme.example", "cto@acme.example", "pjm@acme.example"]);
}

#[test]
fn dry_run_writes_eml_files_and_sends_nothing() {
    let server = Server::start(login());
    let week = Week::new(server.port, "");
    std::fs::remove_file(week.file("project.pdf")).expect("removed");
    let (code, stdout, err) = week.email(&["--dry-run", "--to", "ceo@acme.example"], "");
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = stdout.lines().collect();
    // The PDF `report` did not write is rendered from the written Markdown.
    assert_eq!(lines[0], format!("rendered {}", week.file("project.pdf").display()));
    assert!(lines[1].starts_with("would send product to pm@acme.example, ceo@acme.example: \"Product status — Acme Analytics 2026-W48: Amber\" ("), "{stdout}");
    // Its size in KB: a message of 30 KB is not "0.0 MB".
    assert!(lines[1].contains(" KB, product.pdf) → "), "{stdout}");
    assert_eq!(lines.len(), 4);
    assert!(server.received().is_empty());
    for role in ["product", "program", "project"] {
        let eml = std::fs::read(week.file(&format!("email/{role}.eml"))).expect("eml");
        let m = MessageParser::default().parse(&eml).expect("MIME");
        let pdf = std::fs::read(week.file(&format!("{role}.pdf"))).expect("pdf");
        assert!(m.attachments().next().expect("a PDF").contents() == pdf.as_slice());
    }
    assert!(!week.out.join(".rolecall/sent").exists(), "a dry run records no delivery");
}

#[test]
fn messages_over_the_size_limit_link_the_pdf_instead() {
    let server = Server::start(login());
    let week = Week::new(
        server.port,
        "max-message-mb = 1\n[publish]\nreport-url = \"https://status.acme.test/{week}/{role}.pdf\"\n[email]",
    );
    // Fix the config: the [email.to] table must follow [email]; rebuild it in order.
    let config = std::fs::read_to_string(&week.config).expect("config");
    let config = config.replacen(
        "[publish]\nreport-url = \"https://status.acme.test/{week}/{role}.pdf\"\n[email]\n",
        "",
        1,
    );
    std::fs::write(
        &week.config,
        format!(
            "{config}[publish]\nreport-url = \"https://status.acme.test/{{week}}/{{role}}.pdf\"\n"
        ),
    )
    .expect("written");
    // A product report with big embedded images: 2 MB.
    std::fs::write(week.file("product.pdf"), vec![b'%'; 2_000_000]).expect("written");
    let (code, _, err) = week.email(&[], PASSWORD);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("product: product.pdf (2.0 MB) left out to keep the message under 1 MB"),
        "{err}"
    );
    let got = server.received();
    assert!(got[0].data.len() < 1_000_000, "{} bytes", got[0].data.len());
    let m = MessageParser::default().parse(&got[0].data).expect("MIME");
    assert_eq!(m.attachments().count(), 0);
    let text = m.body_text(0).expect("text");
    assert!(text.contains("product.pdf (2.0 MB) is not attached: the message would pass 1 MB. Read it at https://status.acme.test/2026-W48/product.pdf"), "{text}");
    // The others still carry theirs.
    let m = MessageParser::default().parse(&got[1].data).expect("MIME");
    assert_eq!(m.attachments().count(), 1);
}

#[test]
fn email_errors_before_anything_is_sent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out").display().to_string();
    let (code, _, err) = common::run(&["report", "--demo", "-o", &out]);
    assert_eq!(code, 0, "{err}");
    let config = dir.path().join("rolecall.toml").display().to_string();
    let from = "[email]\nfrom = \"a@b.example\"\n";
    let to = "[email.to]\nproduct = [\"pm@b.example\"]\n";
    // (config, environment, --dry-run, the error's start)
    type Case<'a> = (String, Vec<(&'a str, &'a str)>, bool, &'a str);
    let cases: Vec<Case> = vec![
        (String::new(), vec![], true, "error: rolecall.toml: [email]: `from` is not set: the sender, e.g. from = \"Status <status@acme.example>\"\n"),
        ("[email]\nfrom = \"not an address\"\n".into(), vec![], true, "error: rolecall.toml:2:1: from = `not an address` is not an e-mail address (Invalid input)\n"),
        (format!("{from}{to}"), vec![], false, "error: no mail server: set ROLECALL_SMTP_URL (smtps://user@smtp.example.com:465) or [email] smtp-url; --dry-run writes the messages as .eml files instead\n"),
        (format!("{from}{to}"), vec![("ROLECALL_SMTP_URL", "smtp://mail.example?tls=none")], false, "error: ROLECALL_SMTP_URL: plaintext (tls=none) is refused unless the config says [email] tls = \"none\": the password and the reports would cross the network readable\n"),
        (format!("{from}{to}"), vec![("ROLECALL_EMAIL__FROM", "bogus")], true, "error: environment variable ROLECALL_EMAIL__FROM: from = `bogus` is not an e-mail address (Invalid input)\n"),
        (format!("{from}[email.to]\nproduct = [\"pm@b.example\", \"nope\"]\n"), vec![], true, "error: rolecall.toml:4:1: to.product = `nope` is not an e-mail address (Invalid input)\n"),
        (from.into(), vec![], true, "error: nobody to send to: add addresses under [email.to] (product = [\"pm@acme.example\"], …) or give --to\n"),
        (format!("{from}subject = \"{{{{rol}}}} status\"\n{to}"), vec![], true, "error: rolecall.toml:3:1: subject: the template does not render: "),
    ];
    for (text, env, dry_run, want) in &cases {
        std::fs::write(&config, text).expect("written");
        let mut args = vec!["-c", config.as_str(), "email", "-o", out.as_str()];
        if *dry_run {
            args.push("--dry-run");
        }
        let (code, stdout, err) = common::run_in(dir.path(), &args, env);
        let err = err.replace(&config, "rolecall.toml");
        assert_eq!((code, stdout.as_str()), (2, ""), "{text}: {err}");
        assert!(err.starts_with(want), "{text}:\n{err}");
    }
    assert!(!Path::new(&out).join("2026-W48/email").exists(), "nothing written");
}

/// The messages as they go out, byte for byte, with the clock, the Message-ID and the
/// MIME boundaries fixed: any change to headers, bodies or encoding shows as a diff.
#[test]
fn golden_eml_files() {
    use rolecall::config::{EmailConfig, EmailTo, PublishConfig};
    use rolecall::publish::email::{self, Addresses, Stamp};
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let (code, _, err) = common::run(&["report", "--demo", "-o", &out.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    let week_dir = out.join("2026-W48");
    for role in ["index", "product", "program", "project"] {
        std::fs::write(
            week_dir.join(format!("{role}.pdf")),
            format!("%PDF-1.7\n% {role}\n%%EOF\n"),
        )
        .expect("written");
    }
    let week = rolecall::model::Week::parse("2026-W48").expect("week");
    let reports = rolecall::publish::WeekReports::read(&out, &out.join(".rolecall"), Some(week))
        .expect("read");
    let config = EmailConfig {
        from: Some("Status bot <status@acme.example>".into()),
        reply_to: Some("PMO <pmo@acme.example>".into()),
        to: EmailTo {
            product: vec!["pm@acme.example".into()],
            program: vec!["Jürgen Müller <tpm@acme.example>".into()],
            project: vec![],
        },
        ..EmailConfig::default()
    };
    let publish = PublishConfig {
        report_url: Some("https://status.acme.test/{week}/{role}.pdf".into()),
        ..PublishConfig::default()
    };
    let addresses = Addresses::resolve(&config, &[], &|k| format!("rolecall.toml: [email] {k}"))
        .expect("addresses");
    let stamp = |kind: &str| Stamp {
        date: std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_764_576_000),
        message_id: Some(format!("<2026-W48.{kind}@rolecall.test>")),
        boundary: Some(format!("rolecall-{kind}")),
    };
    let mut files = Vec::new();
    for digest in [false, true] {
        for o in email::compose(&reports, &config, &publish, &addresses, digest, &|k| {
            format!("rolecall.toml: [email] {k}")
        })
        .expect("composed")
        {
            let kind = o.kind.clone();
            let bytes = email::build(&o, &addresses, &stamp(&kind)).expect("built").formatted();
            files.push((format!("email/{kind}.eml"), String::from_utf8(bytes).expect("ASCII")));
        }
    }
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        ["email/product.eml", "email/program.eml", "email/digest.eml"],
        "no project recipients: no project message"
    );
    golden::TEXT.check(files);
}

/// A scheduled job is one command: `report --publish step-summary --email`.
#[test]
fn report_then_publish_and_email_in_one_command() {
    let server = Server::start(login());
    let week = Week::new(server.port, "");
    let summary = week.dir.path().join("summary.md");
    let out = week.out.display().to_string();
    let args = [
        "-c",
        &week.config,
        "report",
        "--demo",
        "-o",
        &out,
        "--publish",
        "step-summary",
        "--email",
    ];
    let env = [
        ("ROLECALL_SMTP_PASSWORD", PASSWORD),
        ("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf-8")),
    ];
    let (code, stdout, err) = common::run_in(week.dir.path(), &args, &env);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("wrote "), "{stdout}");
    assert!(stdout.contains("published 2026-W48 (3 reports) to the step summary\n"), "{stdout}");
    assert!(stdout.ends_with("sent project to Jürgen Planer <pjm@acme.example>\n"), "{stdout}");
    assert_eq!(server.received().len(), 4);
    assert!(std::fs::read_to_string(&summary)
        .expect("summary")
        .starts_with("# Weekly status — Acme Analytics · 2026-W48"));
    // A target that does not exist is refused before the report is written.
    let (code, _, err) =
        common::run_in(week.dir.path(), &["report", "--demo", "-o", &out, "--publish", "fax"], &[]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: --to `fax`: expected step-summary"), "{err}");
    // So is a place that cannot be reached from here (no webhook): nothing is written.
    let fresh = week.dir.path().join("fresh").display().to_string();
    let (code, _, err) = common::run_in(
        week.dir.path(),
        &["report", "--demo", "-o", &fresh, "--publish", "slack"],
        &[("SLACK_WEBHOOK_URL", "")],
    );
    assert_eq!(code, 2);
    assert!(err.starts_with("error: --to slack needs the incoming-webhook URL"), "{err}");
    assert!(!Path::new(&fresh).exists());
    // A place that fails does not keep the week from the others: Slack does not answer,
    // the e-mail still goes out (sent by the earlier run: skipped), and the run fails.
    let args = [&args[..4], &["-o", &out, "--publish", "slack", "--email"]].concat();
    let env = [
        ("ROLECALL_SMTP_PASSWORD", PASSWORD),
        ("SLACK_WEBHOOK_URL", "http://127.0.0.1:1/services/T0/B0/x"),
    ];
    let (code, stdout, err) = common::run_in(week.dir.path(), &args, &env);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(stdout.matches("skipped ").count(), 4, "{stdout}");
    assert!(err.starts_with("error: Slack (SLACK_WEBHOOK_URL): "), "{err}");
}

/// A server that accepts the connection and never answers: stopped by `timeout-secs`.
#[test]
fn a_silent_server_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let held = std::thread::spawn(move || {
        let conns: Vec<_> = listener.incoming().take(1).collect();
        std::thread::sleep(std::time::Duration::from_secs(3));
        drop(conns);
    });
    let week = Week::new(port, "");
    let config = std::fs::read_to_string(&week.config)
        .expect("config")
        .replace("timeout-secs = 5", "timeout-secs = 1");
    std::fs::write(&week.config, config).expect("written");
    let started = std::time::Instant::now();
    let (code, stdout, err) = week.email(&[], PASSWORD);
    assert_eq!(code, 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(3), "{:?}", started.elapsed());
    // Whether the first copy went out is not known: said so, and that a re-run sends it
    // again; the others were not tried, and say only that.
    assert!(stdout.starts_with(&format!("MAYBE sent product to pm@acme.example: smtp://bot@127.0.0.1:{port} did not answer within 1 s ([email] timeout-secs); it may have been delivered all the same\n")), "{stdout}");
    assert!(
        stdout.lines().skip(1).all(|l| l.ends_with(&format!(
            ": not tried after smtp://bot@127.0.0.1:{port} stopped answering"
        ))),
        "{stdout}"
    );
    assert!(err.contains("error: 3 of 4 messages not sent (program to tpm@acme.example, program to cto@acme.example, project to pjm@acme.example); run again to send them; 1 may have gone out without being recorded (product to pm@acme.example): a re-run sends it again — "), "{err}");
    held.join().expect("joined");
}

/// A ledger of sent messages that cannot be stored (here its folder is a link to another
/// place, which rolecall does not write through; a full or read-only disk alike) stops
/// the run before the first message, not after it every run again; and a second `email`
/// while one is sending is refused, not sent twice.
#[cfg(unix)]
#[test]
fn nothing_is_sent_without_a_ledger_to_record_it_nor_by_two_runs_at_once() {
    let server = Server::start(login());
    let week = Week::new(server.port, "");
    let state = week.out.join(".rolecall");
    let elsewhere = week.dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("made");
    std::os::unix::fs::symlink(&elsewhere, state.join("sent")).expect("linked");
    let (code, stdout, err) = week.email(&[], PASSWORD);
    assert_eq!((code, stdout.as_str()), (1, ""), "{err}");
    assert!(err.starts_with("error: cannot store the ledger of sent messages "), "{err}");
    assert!(err.contains("sent/2026-W48.json: "), "{err}");
    assert!(err.contains("is a link to another place"), "{err}");
    assert!(server.received().is_empty());
    std::fs::remove_file(state.join("sent")).expect("removed");
    // The state folder itself a link: refused before the lock or anything is written
    // through it, as `report` refuses it.
    let moved = week.dir.path().join("state-elsewhere");
    std::fs::rename(&state, &moved).expect("moved");
    std::os::unix::fs::symlink(&moved, &state).expect("linked");
    let (code, _, err) = week.email(&[], PASSWORD);
    assert_eq!(code, 1);
    assert!(err.contains(".rolecall is a link to another place"), "{err}");
    assert!(!moved.join("lock").exists() && !moved.join("sent").exists());
    std::fs::remove_file(&state).expect("removed");
    std::fs::rename(&moved, &state).expect("moved back");
    // Another run holds the folder (this test's own pid: a process that runs).
    std::fs::write(state.join("lock"), crate::common::lock_of_this_process()).expect("written");
    let (code, _, err) = week.email(&[], PASSWORD);
    assert_eq!(code, 1);
    assert!(err.contains("is writing this output folder; wait for it to finish"), "{err}");
    assert!(server.received().is_empty());
    std::fs::remove_file(state.join("lock")).expect("removed");
    let (code, stdout, err) = week.email(&[], PASSWORD);
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout.matches("sent ").count(), 4, "{stdout}");
}
