//! A small SMTP server on 127.0.0.1 for the e-mail tests, on `std::net` and a thread:
//! EHLO, STARTTLS (rustls, with the test certificate in `fixtures/smtp/`) or TLS from the
//! first byte, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, QUIT. It records every transaction
//! it accepted and can be told to refuse a recipient, refuse the login, or drop the
//! connection in the middle of DATA. Stopped when dropped.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// How the server encrypts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    /// Plaintext only: no STARTTLS offered.
    None,
    /// STARTTLS offered (and AUTH only after it).
    StartTls,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub tls: Encryption,
    /// User and password AUTH accepts; `None`: no AUTH offered.
    pub login: Option<(String, String)>,
    /// Recipients answered `550 5.1.1`.
    pub reject: Vec<String>,
    /// Close the connection half-way through the DATA of a message to this recipient.
    pub drop_in_data_for: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tls: Encryption::StartTls,
            login: None,
            reject: Vec::new(),
            drop_in_data_for: None,
        }
    }
}

/// One accepted transaction.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: Vec<u8>,
    pub tls: bool,
    pub user: Option<String>,
}

pub struct Server {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub options: Arc<Mutex<Options>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

pub fn ca_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/smtp/ca.pem")
}

fn tls_config() -> Arc<rustls::ServerConfig> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/smtp");
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .expect("server.pem")
        .map(|c| c.expect("cert"))
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).expect("server.key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("certificate"),
    )
}

impl Server {
    pub fn start(options: Options) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let options = Arc::new(Mutex::new(options));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, o, s) = (received.clone(), options.clone(), stop.clone());
        let tls = tls_config();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let opts = o.lock().expect("lock").clone();
                let (r, tls) = (r.clone(), tls.clone());
                std::thread::spawn(move || {
                    let _ = Session::serve(conn, &opts, &r, tls);
                });
            }
        });
        Server { port, received, options, stop }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

struct Session {
    stream: Box<dyn Stream>,
    buf: Vec<u8>,
    tls: bool,
}

impl Session {
    fn serve(
        conn: TcpStream,
        opts: &Options,
        received: &Mutex<Vec<Received>>,
        tls: Arc<rustls::ServerConfig>,
    ) -> std::io::Result<()> {
        conn.set_read_timeout(Some(Duration::from_secs(10)))?;
        let raw = conn.try_clone()?;
        let mut s = Session { stream: Box::new(conn), buf: Vec::new(), tls: false };
        if opts.tls == Encryption::Implicit {
            let server =
                rustls::ServerConnection::new(tls.clone()).map_err(std::io::Error::other)?;
            s.stream = Box::new(rustls::StreamOwned::new(server, raw.try_clone()?));
            s.tls = true;
        }
        s.say("220 rolecall-test ESMTP")?;
        let mut user = None;
        let (mut from, mut rcpts) = (String::new(), Vec::new());
        while let Some(line) = s.line()? {
            let upper = line.to_ascii_uppercase();
            if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                let mut lines = vec!["250-rolecall-test".to_string()];
                if opts.tls == Encryption::StartTls && !s.tls {
                    lines.push("250-STARTTLS".into());
                }
                if opts.login.is_some() && (s.tls || opts.tls == Encryption::None) {
                    lines.push("250-AUTH PLAIN LOGIN".into());
                }
                lines.push("250 8BITMIME".into());
                s.say(&lines.join("\r\n"))?;
            } else if upper == "STARTTLS" && opts.tls == Encryption::StartTls && !s.tls {
                s.say("220 2.0.0 Ready to start TLS")?;
                assert!(s.buf.is_empty(), "nothing may follow STARTTLS before the handshake");
                let server =
                    rustls::ServerConnection::new(tls.clone()).map_err(std::io::Error::other)?;
                s.stream = Box::new(rustls::StreamOwned::new(server, raw.try_clone()?));
                s.tls = true;
            } else if upper.starts_with("AUTH PLAIN") {
                let b64 = match line.split_whitespace().nth(2) {
                    Some(b) => b.to_string(),
                    None => {
                        s.say("334 ")?;
                        s.line()?.unwrap_or_default()
                    }
                };
                let decoded = b64_decode(&b64);
                let parts: Vec<&[u8]> = decoded.split(|b| *b == 0).collect();
                let (u, p) = (
                    String::from_utf8_lossy(parts.get(1).copied().unwrap_or_default()).into_owned(),
                    String::from_utf8_lossy(parts.get(2).copied().unwrap_or_default()).into_owned(),
                );
                user = s.check_login(opts, u, p)?;
            } else if upper.starts_with("AUTH LOGIN") {
                s.say("334 VXNlcm5hbWU6")?;
                let u = String::from_utf8_lossy(&b64_decode(&s.line()?.unwrap_or_default()))
                    .into_owned();
                s.say("334 UGFzc3dvcmQ6")?;
                let p = String::from_utf8_lossy(&b64_decode(&s.line()?.unwrap_or_default()))
                    .into_owned();
                user = s.check_login(opts, u, p)?;
            } else if upper.starts_with("MAIL FROM:") {
                if opts.login.is_some() && user.is_none() {
                    s.say("530 5.7.0 Authentication required")?;
                    continue;
                }
                from = address(&line[10..]);
                rcpts.clear();
                s.say("250 2.1.0 OK")?;
            } else if upper.starts_with("RCPT TO:") {
                let to = address(&line[8..]);
                if opts.reject.iter().any(|r| r.eq_ignore_ascii_case(&to)) {
                    s.say(&format!("550 5.1.1 <{to}>: Recipient address rejected: User unknown"))?;
                } else {
                    rcpts.push(to);
                    s.say("250 2.1.5 OK")?;
                }
            } else if upper == "DATA" {
                s.say("354 End data with <CR><LF>.<CR><LF>")?;
                let drop = opts
                    .drop_in_data_for
                    .as_ref()
                    .is_some_and(|d| rcpts.iter().any(|r| r.eq_ignore_ascii_case(d)));
                let mut data = Vec::new();
                let mut lines = 0;
                while let Some(l) = s.line()? {
                    lines += 1;
                    if drop && lines == 20 {
                        return Ok(()); // the connection closes half-way
                    }
                    if l == "." {
                        break;
                    }
                    let l = l.strip_prefix('.').filter(|_| l.starts_with("..")).unwrap_or(&l);
                    data.extend_from_slice(l.as_bytes());
                    data.extend_from_slice(b"\r\n");
                }
                received.lock().expect("lock").push(Received {
                    mail_from: from.clone(),
                    rcpt_to: rcpts.clone(),
                    data,
                    tls: s.tls,
                    user: user.clone(),
                });
                s.say("250 2.0.0 Ok: queued")?;
            } else if upper == "QUIT" {
                s.say("221 2.0.0 Bye")?;
                return Ok(());
            } else if upper == "RSET" || upper == "NOOP" {
                s.say("250 2.0.0 OK")?;
            } else {
                s.say("502 5.5.2 Command not recognised")?;
            }
        }
        Ok(())
    }

    fn check_login(
        &mut self,
        opts: &Options,
        u: String,
        p: String,
    ) -> std::io::Result<Option<String>> {
        match &opts.login {
            Some((eu, ep)) if *eu == u && *ep == p => {
                self.say("235 2.7.0 Authentication successful")?;
                Ok(Some(u))
            }
            _ => {
                self.say("535 5.7.8 Authentication credentials invalid")?;
                Ok(None)
            }
        }
    }

    fn say(&mut self, text: &str) -> std::io::Result<()> {
        self.stream.write_all(format!("{text}\r\n").as_bytes())?;
        self.stream.flush()
    }

    /// One line without its CRLF; `None` at the end of the connection.
    fn line(&mut self) -> std::io::Result<Option<String>> {
        loop {
            if let Some(pos) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line: Vec<u8> = self.buf.drain(..pos + 2).take(pos).collect();
                return Ok(Some(String::from_utf8_lossy(&line).into_owned()));
            }
            let mut chunk = [0u8; 8192];
            let n = match self.stream.read(&mut chunk) {
                Ok(0) => return Ok(None),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
                Err(e) => return Err(e),
            };
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// `<a@b> SIZE=123` → `a@b`.
fn address(s: &str) -> String {
    let s = s.trim();
    let inner = s.strip_prefix('<').and_then(|r| r.split_once('>')).map_or(s, |(a, _)| a);
    inner.to_string()
}

fn b64_decode(s: &str) -> Vec<u8> {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.trim().bytes() {
        let Some(v) = T.iter().position(|t| *t == c) else { continue };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
