//! Replays betamax cassettes (recorded GitHub traffic) on the fake server.
//!
//! Bodies are base64 of gzip with an empty `string` (or plain in `string`); octocrab's
//! client asks for no compression and does not decompress, so they are served decoded.
//! URLs in `Location` and `Link` are moved from api.github.com to the fake.

use std::io::Read;
use std::path::Path;

use serde_json::Value;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use super::fake::Fake;

/// Mounts every interaction of the cassette at `file`.
pub async fn mount(fake: &Fake, file: &Path) {
    let text = std::fs::read_to_string(file).expect("cassette readable");
    let cassette: Value = serde_json::from_str(&text).expect("cassette is JSON");
    let recorded_host = "https://api.github.com";
    for interaction in cassette["http_interactions"].as_array().expect("interactions") {
        let request = &interaction["request"];
        let response = &interaction["response"];
        let uri = request["uri"].as_str().expect("uri");
        let rest = uri.strip_prefix(recorded_host).expect("an api.github.com URI");
        let (route, query) = rest.split_once('?').unwrap_or((rest, ""));
        let status = response["status"]["code"].as_u64().expect("status") as u16;
        let mut template = ResponseTemplate::new(status).set_body_bytes(body(&response["body"]));
        for (name, value) in response["headers"].as_object().expect("headers") {
            let lower = name.to_ascii_lowercase();
            if ["content-encoding", "content-length", "transfer-encoding", "status"]
                .contains(&lower.as_str())
            {
                continue;
            }
            let value = value.as_str().unwrap_or_default().replace(recorded_host, &fake.url());
            template = template.insert_header(lower.as_str(), value.as_str());
        }
        let mut mock =
            Mock::given(method(request["method"].as_str().unwrap_or("GET"))).and(path(route));
        for kv in query.split('&').filter(|kv| !kv.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            mock = mock.and(query_param(k, v));
        }
        mock.respond_with(template).mount(&fake.server).await;
    }
}

/// The recorded body, decoded.
fn body(recorded: &Value) -> Vec<u8> {
    match recorded["base64_string"].as_str().filter(|s| !s.is_empty()) {
        Some(b64) => {
            let gz = base64(b64);
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut out).expect("gzip body");
            out
        }
        None => recorded["string"].as_str().unwrap_or_default().as_bytes().to_vec(),
    }
}

/// Standard base64 (line breaks and padding allowed).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
