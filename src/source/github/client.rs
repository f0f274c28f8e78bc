//! One GET with every fault handled: the only place rolecall talks HTTP to GitHub.
//!
//! octocrab carries the requests (TLS, redirects, timeouts, the auth header) with its own
//! retries off; [`Client::get`] is the one retry loop, so every request is counted and
//! every wait is bounded by the config. Bodies are read as bytes and parsed here, into
//! rolecall's own lenient payload types, because octocrab's typed models require fields
//! that older GitHub Enterprise servers do not send.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, StatusCode};
use http_body_util::BodyExt;
use octocrab::service::middleware::retry::RetryConfig;
use octocrab::Octocrab;
use serde::de::DeserializeOwned;

use super::config::Settings;

/// Why a fetch stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The resource is missing or not readable with this token (403, 404, 410), or
    /// blocked for legal reasons (451): the
    /// config's `on-repo-error` decides whether the run goes on without it.
    Access { method: String, status: u16, url: String, message: String },
    /// Anything that stops the run: the token was rejected, the rate limit resets later
    /// than we may wait, retries ran out.
    Fatal(String),
    /// A request that changes something (POST) failed in a way that may or may not have
    /// taken effect (a 5xx, a broken connection): not sent again blindly, the caller
    /// looks whether it landed first.
    Unsure(String),
    /// A conditional GET answered 304 (see `Client::get_if_changed`).
    NotModified,
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Access { method, status, url, message } => {
                write!(f, "{method} {url}: {status} {message}")
            }
            FetchError::Fatal(message) | FetchError::Unsure(message) => f.write_str(message),
            FetchError::NotModified => f.write_str("not modified"),
        }
    }
}

/// One page of a list, or one object.
#[derive(Debug)]
pub(crate) struct Page<T> {
    pub data: T,
    /// The `rel="next"` URL exactly as the server gave it.
    pub next: Option<String>,
    /// The page number in the `rel="last"` URL: how many pages there are.
    pub last_page: Option<u32>,
    /// The response's `ETag`, for a conditional request next time.
    pub etag: Option<String>,
}

/// The answer to a conditional GET.
#[derive(Debug)]
pub(crate) enum Conditional<T> {
    /// 304: what was cached under that ETag still holds (no primary rate limit spent).
    NotModified,
    Fresh(Page<T>),
}

/// The rate limit as the latest response told it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// Unix seconds.
    pub reset: Option<u64>,
}

pub(crate) struct Client {
    octo: Octocrab,
    api_url: String,
    token_origin: Option<&'static str>,
    /// To redact from every string a response or the network gives.
    token: Option<super::secret::Token>,
    retries: u32,
    /// The longest one request may take in all.
    request_deadline: Duration,
    retry_delay: Duration,
    max_wait: Duration,
    secondary_wait: Duration,
    requests: AtomicU64,
    /// `[github] max-requests`: the fetch stops before going past it.
    max_requests: Option<u64>,
    rate: Mutex<RateLimit>,
}

/// What one attempt came to.
enum Attempt<T> {
    Done(Page<T>),
    /// Worth another try. With a `wait`, a rate limit (primary or secondary): waited
    /// out, not counted against `retries`; without, a fault: after a backoff, counted.
    Retry {
        reason: String,
        wait: Option<Wait>,
    },
    Stop(FetchError),
}

/// How long a rate limit holds a request, and who decided it.
#[derive(Debug, Clone, Copy)]
enum Wait {
    /// GitHub said: a `retry-after`, or the time its rate limit resets.
    Told(Duration),
    /// rolecall's own: `secondary-wait-secs`, doubled on every repeat, when GitHub
    /// limits without saying for how long.
    Own(Duration),
}

impl Wait {
    fn length(self) -> Duration {
        match self {
            Wait::Told(d) | Wait::Own(d) => d,
        }
    }
}

impl Client {
    /// Builds the client. Must run inside a tokio runtime (octocrab spawns its worker).
    pub(crate) fn new(settings: &Settings) -> Result<Client, FetchError> {
        let c = &settings.config;
        let api_url = settings.api_url.trim_end_matches('/').to_string();
        let timeout = Some(Duration::from_secs(c.timeout_secs.max(1)));
        // Every request is given as a whole URL. octocrab puts its base URI's path in front
        // of any path that does not start with it: with `…/api/v3` as the base, Enterprise
        // Server's GraphQL endpoint `/api/graphql` would become `/api/v3/api/graphql`. So
        // the base is the origin alone.
        let base = origin(&api_url).unwrap_or(&api_url).to_string();
        let mut builder = Octocrab::builder()
            .base_uri(base.as_str())
            .map_err(|e| FetchError::Fatal(format!("API URL {}: {e}", redact_url(&api_url))))?
            .add_retry_config(RetryConfig::None)
            .set_connect_timeout(timeout)
            .set_read_timeout(timeout);
        if let Some(token) = &settings.token {
            builder = builder.personal_token(token.expose().to_string());
        }
        let octo = builder
            .build()
            .map_err(|e| FetchError::Fatal(format!("cannot start the HTTP client: {e}")))?;
        Ok(Client {
            octo,
            api_url,
            token_origin: settings.token.as_ref().map(|_| settings.token_origin),
            token: settings.token.clone(),
            retries: c.retries,
            request_deadline: Duration::from_secs(c.request_deadline_secs.max(1)),
            retry_delay: Duration::from_millis(c.retry_delay_ms),
            max_wait: Duration::from_secs(c.max_wait_secs),
            secondary_wait: Duration::from_secs(c.secondary_wait_secs),
            requests: AtomicU64::new(0),
            max_requests: c.max_requests,
            rate: Mutex::new(RateLimit::default()),
        })
    }

    /// `text` without the token's value, wherever a server put it.
    pub(crate) fn redact(&self, text: &str) -> String {
        match &self.token {
            Some(t) => t.redact(text),
            None => text.to_string(),
        }
    }

    /// A URL as it may be printed or logged: [`redact_url`], and then without the token's
    /// value wherever it stands: a server may put it in a redirect's `Location` or a
    /// `next` link, in a query key `redact_url` does not know or in the path.
    pub(crate) fn shown(&self, url: &str) -> String {
        self.redact(&redact_url(url))
    }

    fn redact_error(&self, e: FetchError) -> FetchError {
        match e {
            FetchError::Access { method, status, url, message } => FetchError::Access {
                method,
                status,
                url: self.redact(&url),
                message: self.redact(&message),
            },
            FetchError::Fatal(message) => FetchError::Fatal(self.redact(&message)),
            FetchError::Unsure(message) => FetchError::Unsure(self.redact(&message)),
            FetchError::NotModified => FetchError::NotModified,
        }
    }

    /// `path` (`/repos/o/r`) under the API URL.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api_url)
    }

    /// How often a failed request is tried again (`[github] retries`).
    pub(crate) fn retries(&self) -> u32 {
        self.retries
    }

    /// HTTP requests sent so far, retries included (a followed redirect counts once).
    pub(crate) fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub(super) fn rate_limit(&self) -> RateLimit {
        *self.rate.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn authenticated(&self) -> bool {
        self.token_origin.is_some()
    }

    /// GETs `url` and parses its JSON body as `T`, retrying what is worth retrying and
    /// following redirects on the API's own host (a renamed repository answers 301).
    pub(crate) async fn get<T: DeserializeOwned>(&self, url: &str) -> Result<Page<T>, FetchError> {
        self.request(http::Method::GET, url, None).await
    }

    /// A GET with `If-None-Match: etag`: a 304 says the cached answer still holds.
    pub(crate) async fn get_if_changed<T: DeserializeOwned>(
        &self,
        url: &str,
        etag: Option<&str>,
    ) -> Result<Conditional<T>, FetchError> {
        let Some(etag) = etag else {
            return self.get(url).await.map(Conditional::Fresh);
        };
        match self.request_with(http::Method::GET, url, None, Some(etag)).await {
            Ok(page) => Ok(Conditional::Fresh(page)),
            Err(FetchError::NotModified) => Ok(Conditional::NotModified),
            Err(e) => Err(e),
        }
    }

    /// Sends `method` to `url` with the JSON `body`, with [`Client::get`]'s retries and
    /// redirects. A POST is sent once when its outcome is unknown (a 5xx, a broken
    /// connection): that comes back as [`FetchError::Unsure`] for the caller to look
    /// whether it landed; a rate limit (nothing done) is waited out and retried. A 204's
    /// empty body reads as JSON `null`.
    pub(crate) async fn request<T: DeserializeOwned>(
        &self,
        method: http::Method,
        url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Page<T>, FetchError> {
        self.request_with(method, url, body, None).await
    }

    async fn request_with<T: DeserializeOwned>(
        &self,
        method: http::Method,
        url: &str,
        body: Option<&serde_json::Value>,
        etag: Option<&str>,
    ) -> Result<Page<T>, FetchError> {
        // Every way out goes through the redactor once more, whichever branch built it.
        self.attempts(method, url, body, etag).await.map_err(|e| self.redact_error(e))
    }

    /// [`Client::request_with`]'s loop: tries, redirects, waits.
    async fn attempts<T: DeserializeOwned>(
        &self,
        method: http::Method,
        url: &str,
        body: Option<&serde_json::Value>,
        etag: Option<&str>,
    ) -> Result<Page<T>, FetchError> {
        let verb = method.as_str().to_string();
        let mut url = url.to_string();
        let mut shown = self.shown(&url);
        let (mut attempt, mut hops) = (0u32, 0u32);
        // Rate-limit waits of this request: how many, and how long in all.
        let (mut limited, mut waited) = (0u32, Duration::ZERO);
        loop {
            self.wait_for_quota().await?;
            let sent = self.requests.fetch_add(1, Ordering::Relaxed);
            if let Some(max) = self.max_requests.filter(|&m| sent >= m) {
                self.requests.fetch_sub(1, Ordering::Relaxed);
                return Err(FetchError::Fatal(format!(
                    "stopped before request {} ({verb} {shown}): max-requests is {max}; nothing was written (raise it, or narrow [github] include)",
                    sent + 1
                )));
            }
            let started = std::time::Instant::now();
            // The read timeout bounds silence; a server that drips its answer a byte at a
            // time is bounded by this deadline.
            let sent = match tokio::time::timeout(
                self.request_deadline,
                self.send(method.clone(), &url, body, etag),
            )
            .await
            {
                Ok(sent) => sent,
                Err(_) => Err(Unsent::Failed(format!(
                    "no complete answer within {} s ([github] request-deadline-secs)",
                    self.request_deadline.as_secs()
                ))),
            };
            let outcome = match sent {
                Ok((status, headers, _)) if status == StatusCode::NOT_MODIFIED => {
                    tracing::debug!("{verb} {shown}: 304 (unchanged)");
                    self.note_rate(&headers);
                    return Err(FetchError::NotModified);
                }
                Ok((status, headers, _)) if status.is_redirection() => {
                    tracing::debug!("{verb} {shown}: {}", status.as_u16());
                    hops += 1;
                    match self.follow(&verb, &shown, &url, &headers, hops) {
                        Ok(to) => {
                            shown = self.shown(&to);
                            url = to;
                            continue;
                        }
                        Err(e) => return Err(self.redact_error(e)),
                    }
                }
                Ok((status, headers, got)) => {
                    tracing::debug!(
                        "{verb} {shown}: {} in {} ms",
                        status.as_u16(),
                        started.elapsed().as_millis()
                    );
                    self.note_rate(&headers);
                    self.judge(&verb, &shown, status, &headers, got.as_ref(), limited)
                }
                Err(Unsent::Failed(reason)) => {
                    Attempt::Retry { reason: self.redact(&reason), wait: None }
                }
                // The same answer again would be as large: not retried.
                Err(Unsent::TooLarge) => Attempt::Stop(FetchError::Fatal(format!(
                    "{verb} {shown}: the answer is larger than {} MB, far more than any GitHub \
                     page: refused (check that [github] api-url is the API)",
                    MAX_BODY / 1_000_000
                ))),
            };
            match outcome {
                Attempt::Done(page) => return Ok(page),
                Attempt::Stop(e) => return Err(self.redact_error(e)),
                // A GraphQL query is a POST that changes nothing: retried like a GET.
                Attempt::Retry { reason, wait: None }
                    if method == http::Method::POST && !url.ends_with("/graphql") =>
                {
                    return Err(FetchError::Unsure(format!("{verb} {shown}: {reason}")));
                }
                // A rate limit is no fault: its waits do not use up `retries`. They are
                // bounded by max-wait-secs instead, each and all of one request's together;
                // a wait of zero counts as a second, so a server that keeps saying "wait 0"
                // cannot hold a request forever.
                Attempt::Retry { reason, wait: Some(pause) } => {
                    limited += 1;
                    let wait = pause.length();
                    if wait > self.max_wait {
                        let who = match pause {
                            Wait::Told(_) => format!("GitHub asks to wait {}", words(wait)),
                            Wait::Own(_) => format!(
                                "GitHub gave no time to wait, and the next wait would be {} \
                                 ([github] secondary-wait-secs = {}, doubled on every repeat)",
                                words(wait),
                                self.secondary_wait.as_secs()
                            ),
                        };
                        return Err(FetchError::Fatal(format!(
                            "{verb} {shown}: {reason}; {who}, longer than [github] \
                             max-wait-secs = {}: retry later",
                            self.max_wait.as_secs()
                        )));
                    }
                    let counted = wait.max(Duration::from_secs(1));
                    if waited + counted > self.max_wait {
                        return Err(FetchError::Fatal(format!(
                            "{verb} {shown}: {reason}; rate limits held this request {} already \
                             ({limited} times), and [github] max-wait-secs = {} bounds its \
                             waits together: retry later",
                            words(waited),
                            self.max_wait.as_secs()
                        )));
                    }
                    waited += counted;
                    if wait >= Duration::from_secs(10) {
                        tracing::warn!("{verb} {shown}: {reason}; waiting {}", words(wait));
                    } else {
                        tracing::info!(
                            "{verb} {shown}: {reason}; trying again in {} ms",
                            wait.as_millis()
                        );
                    }
                    tokio::time::sleep(wait).await;
                }
                Attempt::Retry { reason, wait: None } => {
                    attempt += 1;
                    if attempt > self.retries {
                        return Err(FetchError::Fatal(format!(
                            "{verb} {shown}: {reason} (gave up after {attempt} attempts)"
                        )));
                    }
                    let delay = self.backoff(attempt);
                    tracing::info!(
                        "{verb} {shown}: {reason}; retry {attempt} of {} in {} ms",
                        self.retries,
                        delay.as_millis()
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Where a redirect from `from` leads, when it stays on the API's host: data from
    /// anywhere else is not GitHub's answer (and must not get the token).
    fn follow(
        &self,
        verb: &str,
        shown: &str,
        from: &str,
        headers: &HeaderMap,
        hops: u32,
    ) -> Result<String, FetchError> {
        let fail = |why: String| Err(FetchError::Fatal(format!("{verb} {shown}: {why}")));
        let Some(location) = header(headers, "location") else {
            return fail("a redirect without a Location".into());
        };
        let to = match location.split_once("://") {
            Some(_) => location.to_string(),
            None if location.starts_with('/') => {
                format!("{}{location}", origin(from).unwrap_or_default())
            }
            None => return fail(format!("a redirect to {location:?}, not a URL")),
        };
        if !same_origin(&to, &self.api_url) {
            return fail(format!(
                "redirected to another host ({}): refused; rolecall reads only from {}",
                origin(&to).unwrap_or("?"),
                origin(&self.api_url).unwrap_or("?")
            ));
        }
        if hops > MAX_REDIRECTS {
            return fail(format!("more than {MAX_REDIRECTS} redirects in a row"));
        }
        Ok(to)
    }

    /// Sends one request and reads the whole body, up to [`MAX_BODY`].
    async fn send(
        &self,
        method: http::Method,
        url: &str,
        body: Option<&serde_json::Value>,
        etag: Option<&str>,
    ) -> Result<(StatusCode, HeaderMap, impl AsRef<[u8]>), Unsent> {
        let uri =
            http::Uri::try_from(url).map_err(|e| Unsent::Failed(format!("a bad URL: {e}")))?;
        let mut builder = http::Request::builder()
            .method(method)
            .uri(uri)
            .header(http::header::ACCEPT, "application/vnd.github+json");
        if let Some(etag) = etag {
            builder = builder.header(http::header::IF_NONE_MATCH, etag);
        }
        let request = self
            .octo
            .build_request(builder, body)
            .map_err(|e| Unsent::Failed(format!("cannot build the request: {}", chain(&e))))?;
        let response = self
            .octo
            .execute(request)
            .await
            // octocrab's own wrapper ("Service Error") says nothing: start at its cause.
            .map_err(|e| {
                let cause = std::error::Error::source(&e).unwrap_or(&e);
                Unsent::Failed(format!("request failed: {}", chain(cause)))
            })?;
        let (parts, mut body) = response.into_parts();
        let announced =
            header(&parts.headers, "content-length").and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|n| n > MAX_BODY as u64) {
            return Err(Unsent::TooLarge);
        }
        // Read frame by frame, so a body without a length (chunked) that never ends is
        // stopped at the bound rather than read into memory whole.
        let mut bytes = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame
                .map_err(|e| Unsent::Failed(format!("the response broke off: {}", chain(&e))))?;
            if let Ok(data) = frame.into_data() {
                if bytes.len() + data.len() > MAX_BODY {
                    return Err(Unsent::TooLarge);
                }
                bytes.extend_from_slice(&data);
            }
        }
        Ok((parts.status, parts.headers, bytes))
    }

    /// Decides what a response means.
    fn judge<T: DeserializeOwned>(
        &self,
        verb: &str,
        shown: &str,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        limited: u32,
    ) -> Attempt<T> {
        if status.is_success() && graphql_rate_limited(body) {
            // GraphQL says "rate limited" in a 200's errors; waited out as REST's 403 is.
            if header(headers, "x-ratelimit-remaining") == Some("0") {
                return match self.primary_wait() {
                    Ok(wait) => Attempt::Retry {
                        reason: format!("GraphQL rate limit used up; it resets in {}", words(wait)),
                        wait: Some(Wait::Told(wait)),
                    },
                    Err(e) => Attempt::Stop(e),
                };
            }
            return Attempt::Retry {
                reason: "GraphQL rate limit (RATE_LIMITED)".into(),
                wait: Some(Wait::Own(self.secondary_wait * 2u32.saturating_pow(limited))),
            };
        }
        if status.is_success() {
            if looks_like_html(headers, body) {
                return Attempt::Retry {
                    reason: "the server sent an HTML page, not JSON".into(),
                    wait: None,
                };
            }
            // A 204 (a deletion) has no body.
            let body: &[u8] = if status == StatusCode::NO_CONTENT { b"null" } else { body };
            return match serde_json::from_slice::<T>(body) {
                Ok(data) => {
                    let links = header(headers, "link").map(parse_link).unwrap_or_default();
                    Attempt::Done(Page {
                        data,
                        next: links.next,
                        last_page: links.last.as_deref().and_then(page_number),
                        etag: header(headers, "etag").map(str::to_string),
                    })
                }
                Err(e) if e.is_eof() || e.is_syntax() => Attempt::Retry {
                    reason: format!(
                        "the response is not complete JSON ({} bytes; {e})",
                        body.len()
                    ),
                    wait: None,
                },
                Err(e) => Attempt::Stop(FetchError::Fatal(format!(
                    "{verb} {shown}: unexpected JSON shape: {e}"
                ))),
            };
        }
        let message = error_message(body, |text| self.redact(text));
        let code = status.as_u16();
        match code {
            401 => Attempt::Stop(FetchError::Fatal(match self.token_origin {
                Some(origin) => format!(
                    "GitHub rejected the token from {origin} (401 {message}) at {}: \
                     check that it has not expired or been revoked",
                    self.shown(&self.api_url)
                ),
                None => {
                    format!("{verb} {shown}: 401 {message}: this needs a token; set GITHUB_TOKEN")
                }
            })),
            403 | 429 => {
                if header(headers, "x-ratelimit-remaining") == Some("0") {
                    return match self.primary_wait() {
                        Ok(wait) => Attempt::Retry {
                            reason: format!("rate limit exhausted; it resets in {}", words(wait)),
                            wait: Some(Wait::Told(wait)),
                        },
                        Err(e) => Attempt::Stop(e),
                    };
                }
                if let Some(wait) = header(headers, "retry-after").and_then(retry_after) {
                    return Attempt::Retry {
                        reason: format!("secondary rate limit ({code} {message})"),
                        wait: Some(Wait::Told(wait)),
                    };
                }
                let lower = message.to_ascii_lowercase();
                if code == 429 || lower.contains("secondary rate limit") || lower.contains("abuse")
                {
                    // GitHub's advice without a retry-after: wait at least a minute, longer
                    // on every repeat.
                    return Attempt::Retry {
                        reason: format!("secondary rate limit ({code} {message})"),
                        wait: Some(Wait::Own(self.secondary_wait * 2u32.saturating_pow(limited))),
                    };
                }
                Attempt::Stop(FetchError::Access {
                    method: verb.into(),
                    status: code,
                    url: shown.into(),
                    message,
                })
            }
            // 451: access blocked for legal reasons (a DMCA takedown): one repository
            // unreadable, like a 404, not a fault of the run.
            404 | 410 | 451 => Attempt::Stop(FetchError::Access {
                method: verb.into(),
                status: code,
                url: shown.into(),
                message,
            }),
            500..=599 => Attempt::Retry { reason: format!("{code} {message}"), wait: None },
            _ => Attempt::Stop(FetchError::Fatal(format!("{verb} {shown}: {code} {message}"))),
        }
    }

    fn note_rate(&self, headers: &HeaderMap) {
        let num = |name| header(headers, name).and_then(|v| v.trim().parse::<u64>().ok());
        let Some(remaining) = num("x-ratelimit-remaining") else { return };
        let mut rate = self.rate.lock().unwrap_or_else(|e| e.into_inner());
        *rate = RateLimit {
            limit: num("x-ratelimit-limit"),
            remaining: Some(remaining),
            reset: num("x-ratelimit-reset"),
        };
    }

    /// Before a request: when the last response left no quota, wait for the reset (or
    /// stop when that is too far off).
    async fn wait_for_quota(&self) -> Result<(), FetchError> {
        let rate = self.rate_limit();
        if rate.remaining != Some(0) {
            return Ok(());
        }
        let Some(reset) = rate.reset else { return Ok(()) };
        let wait = until(reset);
        if wait.is_zero() {
            return Ok(());
        }
        if wait > self.max_wait {
            return Err(self.exhausted(rate, wait));
        }
        tracing::warn!("GitHub rate limit used up; waiting {} for it to reset", words(wait));
        tokio::time::sleep(wait).await;
        let mut state = self.rate.lock().unwrap_or_else(|e| e.into_inner());
        if state.reset == Some(reset) {
            state.remaining = None;
        }
        Ok(())
    }

    /// How long until the primary limit resets, when we may wait that long.
    fn primary_wait(&self) -> Result<Duration, FetchError> {
        let rate = self.rate_limit();
        let wait = match rate.reset {
            Some(reset) => until(reset).max(Duration::from_secs(1)),
            None => self.secondary_wait,
        };
        if wait > self.max_wait {
            return Err(self.exhausted(rate, wait));
        }
        Ok(wait)
    }

    fn exhausted(&self, rate: RateLimit, wait: Duration) -> FetchError {
        let when = rate
            .reset
            .and_then(|r| chrono::DateTime::from_timestamp(r as i64, 0))
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string());
        let limit = rate.limit.map(|l| format!(" ({l} requests an hour)")).unwrap_or_default();
        let hint = if self.authenticated() {
            String::new()
        } else {
            "; without a token GitHub allows 60 requests an hour: set GITHUB_TOKEN".into()
        };
        // Without a reset time GitHub said nothing of when: the wait is rolecall's guess.
        let (resets, retry) = match &when {
            Some(when) => (format!("it resets at {when}, in"), format!("retry after {when}")),
            None => ("GitHub gave no reset time; the wait would be".into(), "retry later".into()),
        };
        FetchError::Fatal(format!(
            "GitHub API rate limit used up{limit}; {resets} {}, longer than \
             [github] max-wait-secs = {}: {retry}{hint}",
            words(wait),
            self.max_wait.as_secs()
        ))
    }

    /// Exponential backoff with jitter: base × 2^(n-1), scaled by a random 50–100 %.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.retry_delay.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        let base = base.min(Duration::from_secs(60));
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(attempt);
        let frac = 0.5 + (h.finish() % 1000) as f64 / 2000.0;
        base.mul_f64(frac)
    }
}

/// Redirects followed for one request before it fails.
const MAX_REDIRECTS: u32 = 5;

/// The largest response body read. GitHub's pages are at most a few MB; anything near
/// this is not GitHub's answer, and reading it whole would take that much memory.
const MAX_BODY: usize = 100_000_000;

/// Why [`Client::send`] has no answer to judge.
enum Unsent {
    /// A transport failure: worth another try.
    Failed(String),
    /// The body is larger than [`MAX_BODY`].
    TooLarge,
}

/// The scheme, host and port of a URL: `https://api.github.com`, `http://127.0.0.1:8080`.
pub(crate) fn origin(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let end = scheme.len() + 3 + authority.len();
    // Without any `user@` part: only `scheme://` and the host follow.
    match authority.rsplit_once('@') {
        Some(_) => None,
        None => url.get(..end),
    }
}

/// Whether two URLs have the same scheme, host and port (and neither a `user@`).
pub(crate) fn same_origin(a: &str, b: &str) -> bool {
    matches!((origin(a), origin(b)), (Some(x), Some(y)) if x.eq_ignore_ascii_case(y))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn looks_like_html(headers: &HeaderMap, body: &[u8]) -> bool {
    let html_type = header(headers, "content-type").is_some_and(|t| t.contains("text/html"));
    let starts = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
    html_type || starts
}

/// GitHub's `{"message": …}`, or a short description of whatever else the body is.
/// `redact` runs before the text is cut short: a cut through the token would leave its
/// first part where the redactor no longer recognises it.
fn error_message(body: &[u8], redact: impl Fn(&str) -> String) -> String {
    #[derive(serde::Deserialize)]
    struct Body {
        message: Option<String>,
    }
    if let Ok(Body { message: Some(m) }) = serde_json::from_slice::<Body>(body) {
        return crate::text::truncate(&redact(m.trim()), 200);
    }
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<') {
        return "(an HTML page)".into();
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        "(empty body)".into()
    } else {
        crate::text::truncate(&redact(text), 200)
    }
}

/// Whether a GraphQL answer is GitHub's `{"errors": [{"type": "RATE_LIMITED", …}]}`.
fn graphql_rate_limited(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<serde_json::Value>,
    }
    // Most bodies are pages of data: parsed only when the word is in them.
    body.windows(12).any(|w| w == b"RATE_LIMITED")
        && serde_json::from_slice::<Errors>(body)
            .is_ok_and(|b| b.errors.iter().any(|e| e["type"] == "RATE_LIMITED"))
}

/// `retry-after`: seconds, or an HTTP date.
fn retry_after(value: &str) -> Option<Duration> {
    if let Ok(secs) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value.trim()).ok()?;
    Some(until(at.timestamp().max(0) as u64))
}

/// From now until a Unix time; zero when it has passed.
fn until(unix_secs: u64) -> Duration {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    Duration::from_secs(unix_secs).saturating_sub(now)
}

/// `45 s`, `12 min`, `1 h 5 min`.
fn words(d: Duration) -> String {
    let s = d.as_secs_f64().ceil() as u64;
    match s {
        0..=119 => format!("{s} s"),
        120..=3599 => format!("{} min", s.div_ceil(60)),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// An error and its causes, `a: b: c`, without repeats.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = Some(e);
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Links {
    next: Option<String>,
    last: Option<String>,
}

/// `<url>; rel="next", <url>; rel="last"` → the next and last URLs, as given.
fn parse_link(value: &str) -> Links {
    let mut links = Links::default();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else { break };
        let url = &rest[open + 1..open + close];
        let after = &rest[open + close + 1..];
        let params_end = after.find('<').unwrap_or(after.len());
        let params = &after[..params_end];
        for param in params.split(';') {
            let param = param.trim().trim_end_matches(',').trim();
            if let Some(rel) = param.strip_prefix("rel=") {
                for r in rel.trim_matches('"').split_whitespace() {
                    match r {
                        "next" => links.next = Some(url.to_string()),
                        "last" => links.last = Some(url.to_string()),
                        _ => {}
                    }
                }
            }
        }
        rest = &after[params_end..];
    }
    links
}

/// The `page` query parameter of a URL.
fn page_number(url: &str) -> Option<u32> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|kv| kv.strip_prefix("page=")?.parse().ok())
}

/// A URL safe to print: no user or password, no token-like query parameters.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|kv| {
                    let key = kv.split('=').next().unwrap_or("").to_ascii_lowercase();
                    if ["access_token", "token", "client_secret", "client_id"]
                        .contains(&key.as_str())
                    {
                        format!("{key}=***")
                    } else {
                        kv.to_string()
                    }
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}{authority}{tail}")
}

#[cfg(test)]
mod tests {

    #[test]
    fn origins_are_scheme_host_and_port_and_nothing_with_a_user() {
        assert_eq!(
            origin("https://api.github.com/repos/a/b?page=2"),
            Some("https://api.github.com")
        );
        assert_eq!(origin("http://127.0.0.1:8080"), Some("http://127.0.0.1:8080"));
        assert_eq!(origin("https://evil.test@api.github.com/x"), None);
        assert!(same_origin("https://API.github.com/a", "https://api.github.com/b"));
        assert!(!same_origin("http://api.github.com/a", "https://api.github.com/a"));
        assert!(!same_origin("https://api.github.com:444/a", "https://api.github.com/a"));
        assert!(!same_origin("https://u@h/a", "https://u@h/a"), "no origin, never the same");
    }

    use super::*;

    #[test]
    fn link_headers() {
        let v = r#"<https://api.github.com/repositories/11439734/issues?state=all&per_page=100&page=2>; rel="next", <https://api.github.com/repositories/11439734/issues?state=all&per_page=100&page=7>; rel="last""#;
        let l = parse_link(v);
        assert_eq!(
            l.next.as_deref(),
            Some(
                "https://api.github.com/repositories/11439734/issues?state=all&per_page=100&page=2"
            )
        );
        assert_eq!(l.last.as_deref().and_then(page_number), Some(7));
        let v = r#"<https://x/a?page=1>; rel="first", <https://x/a?page=1>; rel="prev""#;
        assert_eq!(parse_link(v), Links::default());
        assert_eq!(parse_link(""), Links::default());
        assert_eq!(
            parse_link("<https://x/a?page=3>;rel=next").next.as_deref(),
            Some("https://x/a?page=3")
        );
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact_url("https://u:p@ghe.example.com/api/v3"),
            "https://***@ghe.example.com/api/v3"
        );
        assert_eq!(
            redact_url("https://h/x?access_token=abc&page=2"),
            "https://h/x?access_token=***&page=2"
        );
        assert_eq!(redact_url("http://127.0.0.1:9/repos/o/r"), "http://127.0.0.1:9/repos/o/r");
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(words(Duration::from_millis(1500)), "2 s");
        assert_eq!(words(Duration::from_secs(600)), "10 min");
        assert_eq!(words(Duration::from_secs(3900)), "1 h 5 min");
        assert_eq!(retry_after("30"), Some(Duration::from_secs(30)));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
    }

    #[test]
    fn error_messages() {
        let same = |t: &str| t.to_string();
        assert_eq!(
            error_message(br#"{"message":"Not Found","documentation_url":"x"}"#, same),
            "Not Found"
        );
        assert_eq!(error_message(b"<html><body>502</body></html>", same), "(an HTML page)");
        assert_eq!(error_message(b"", same), "(empty body)");
    }
}
