//! Markdown through Handlebars: the built-in templates (compiled in from `templates/`),
//! overridable file by file; every helper registered here, in one place; strict mode so a
//! misspelt field fails loudly; and a Markdown escaper instead of the HTML default, so no
//! issue title can inject Markdown, HTML, an image or a link.

use std::path::Path;

use handlebars::{
    handlebars_helper, Context, Handlebars, Helper, HelperResult, Output, RenderContext,
    RenderErrorReason,
};
use serde_json::Value;

use crate::error::{Error, Result};

/// Built-in templates: (name, source). A file `NAME.hbs` in `--templates DIR` replaces one.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("product.md", include_str!("../../templates/product.md.hbs")),
    ("program.md", include_str!("../../templates/program.md.hbs")),
    ("project.md", include_str!("../../templates/project.md.hbs")),
    ("index.md", include_str!("../../templates/index.md.hbs")),
];

/// Built-in partials, used as `{{> name}}`; `DIR/partials/NAME.hbs` replaces one.
pub(crate) const PARTIALS: &[(&str, &str)] = &[
    ("verdict", include_str!("../../templates/partials/verdict.md.hbs")),
    ("items", include_str!("../../templates/partials/items.md.hbs")),
    ("notes", include_str!("../../templates/partials/notes.md.hbs")),
    ("about", include_str!("../../templates/partials/about.md.hbs")),
];

/// The templates, compiled: built-in ones, each replaceable by a file of the user's.
pub struct Templates {
    hb: Handlebars<'static>,
    /// The partials a template can include, built-in and the user's own.
    partials: Vec<String>,
    /// Where each template or partial of the user's was read from, as given (`tpl/
    /// product.md.hbs`), by the name it is registered under: errors name that file.
    origins: std::collections::HashMap<String, String>,
}

impl Templates {
    /// The built-in templates, each replaced by `dir/NAME.hbs` when that file exists.
    pub fn new(dir: Option<&Path>) -> Result<Templates> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(escape);
        register_helpers(&mut hb);
        let mut origins = std::collections::HashMap::new();
        let mut keep = |name: &str, origin: &str| {
            if !origin.starts_with("built-in ") {
                origins.insert(name.to_string(), origin.to_string());
            }
        };
        for (name, builtin) in TEMPLATES {
            let (origin, source) = pick(dir, &format!("{name}.hbs"), builtin)?;
            hb.register_template_string(name, &source)
                .map_err(|e| syntax_error(&origin, &source, &e))?;
            keep(name, &origin);
        }
        let mut partials: Vec<(String, String, Vec<String>)> = Vec::new();
        for (name, builtin) in PARTIALS {
            let (origin, source) = pick(dir, &format!("partials/{name}.md.hbs"), builtin)?;
            let uses = included(&source);
            hb.register_partial(name, &source).map_err(|e| syntax_error(&origin, &source, &e))?;
            keep(name, &origin);
            partials.push((name.to_string(), origin, uses));
        }
        // The folder's other files: partials of the user's own, and names rolecall does
        // not read (a misspelt override would otherwise be ignored without a word).
        let own = dir.map(user_files).unwrap_or_default();
        for name in own.partials {
            let file = format!("partials/{name}.md.hbs");
            let (origin, source) = pick(dir, &file, "")?;
            let uses = included(&source);
            hb.register_partial(&name, &source).map_err(|e| syntax_error(&origin, &source, &e))?;
            keep(&name, &origin);
            partials.push((name, origin, uses));
        }
        for (file, hint) in own.unread {
            // The file as the folder was given (`tpl/prgram.md.hbs`), so that a user with
            // several template folders knows which one is meant.
            let shown = dir.map_or(file.clone(), |d| d.join(&file).display().to_string());
            match hint {
                Some(meant) => tracing::warn!("templates: {shown} is not read; did you mean {meant}?"),
                None => tracing::warn!(
                    "templates: {shown} is not read: templates are product.md.hbs, program.md.hbs, project.md.hbs, index.md.hbs and partials/NAME.md.hbs"
                ),
            }
        }
        // Partials that include each other would recurse until the stack overflows.
        if let Some((origin, cycle)) = partial_cycle(&partials) {
            return Err(template_error(&origin, &format!("partials include each other: {cycle}")));
        }
        if let Some(d) = dir {
            if !d.is_dir() {
                return Err(Error::Read {
                    path: d.display().to_string(),
                    message: "templates folder not found".into(),
                });
            }
        }
        let partials = partials.into_iter().map(|(name, _, _)| name).collect();
        Ok(Templates { hb, partials, origins })
    }

    pub fn render(&self, name: &str, data: &impl serde::Serialize) -> Result<String> {
        self.hb.render(name, data).map_err(|e| {
            let mut msg = match e.reason() {
                RenderErrorReason::MissingVariable(Some(path)) => {
                    format!("no field `{path}` (templates run in strict mode)")
                }
                RenderErrorReason::HelperNotFound(h) => match crate::text::nearest(h, HELPERS.iter().copied()) {
                    Some(meant) => format!("no helper `{h}`: did you mean `{meant}`?"),
                    None => format!("no helper `{h}`; the helpers are {}", HELPERS.join(", ")),
                },
                RenderErrorReason::PartialNotFound(p) => {
                    let known = self.partials.join(", ");
                    match crate::text::nearest(p, self.partials.iter().map(String::as_str)) {
                        Some(meant) => format!("no partial `{p}`: did you mean `{meant}`?"),
                        None => format!("no partial `{p}`: the partials are {known}, and any `partials/NAME.md.hbs` in the templates folder"),
                    }
                }
                other => other.to_string(),
            };
            // A file of the user's is named as it was read (`tpl/product.md.hbs:1:3`),
            // with the report that includes it when it is a partial.
            let file = e.template_name.as_deref().unwrap_or(name);
            if let Some(origin) = self.origins.get(file) {
                let mut at = origin.clone();
                if let Some(line) = e.line_no {
                    at.push_str(&format!(":{line}"));
                    if let Some(col) = e.column_no {
                        at.push_str(&format!(":{col}"));
                    }
                }
                if file != name {
                    at.push_str(&format!(" (in {name}.hbs)"));
                }
                return Error::Config { at, message: msg };
            }
            if let (Some(line), Some(col)) = (e.line_no, e.column_no) {
                msg = format!("line {line}, column {col}: {msg}");
            } else if let Some(line) = e.line_no {
                msg = format!("line {line}: {msg}");
            }
            // The file the error is in: a partial's own, not the report's that includes it.
            let at = match e.template_name.as_deref() {
                Some(t) if t != name && TEMPLATES.iter().all(|(n, _)| *n != t) => {
                    format!("template partials/{t}.md.hbs (in {name}.hbs)")
                }
                Some(t) if t != name => format!("template {t} (in {name}.hbs)"),
                _ => format!("template {name}.hbs"),
            };
            Error::Config { at, message: msg }
        })
    }
}

fn pick(dir: Option<&Path>, file: &str, builtin: &'static str) -> Result<(String, String)> {
    if let Some(d) = dir {
        // A regular file inside the folder, of a sane size (see `files`).
        if let Some(text) = crate::files::read_inside(d, Path::new(file))? {
            let shown = d.join(file).display().to_string();
            tracing::info!("template {file}: using {shown}");
            // An editor's byte-order mark would hide the report's first heading.
            let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
            if let Some(line) = nested_too_deep(&text) {
                return Err(template_error(
                    &format!("{shown}:{line}"),
                    &format!("blocks nested more than {MAX_BLOCK_DEPTH} deep (`{{{{#if}}}}` inside `{{{{#each}}}}` …): the renderer would run out of stack"),
                ));
            }
            return Ok((shown, text));
        }
    }
    Ok((format!("built-in {file}"), builtin.to_string()))
}

/// The deepest nesting of `{{#…}}` blocks a user template may have: far beyond any
/// real one, and far within what the renderer's recursion can take (2,000 aborted the
/// process on a stack overflow).
const MAX_BLOCK_DEPTH: usize = 100;

/// The line where a template's blocks first nest deeper than [`MAX_BLOCK_DEPTH`], if
/// they do. Comments (`{{! … }}`) are passed over.
fn nested_too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        let tag = rest[at + 2..].trim_start_matches(['{', '~']);
        if tag.starts_with('!') {
            let end = if tag.starts_with("!--") { "--}}" } else { "}}" };
            rest = tag.find(end).map_or("", |e| &tag[e + end.len()..]);
            continue;
        }
        if tag.starts_with('#') {
            depth += 1;
            if depth > MAX_BLOCK_DEPTH {
                let offset = text.len() - rest.len() + at;
                return Some(text[..offset].matches('\n').count() + 1);
            }
        } else if tag.starts_with('/') {
            depth = depth.saturating_sub(1);
        }
        rest = tag;
    }
    None
}

/// What a templates folder holds besides the built-in names.
#[derive(Default)]
struct UserFiles {
    /// `partials/NAME.md.hbs` of names no built-in partial has.
    partials: Vec<String>,
    /// Files not read, each with the name it was likely meant to be.
    unread: Vec<(String, Option<String>)>,
}

fn user_files(dir: &Path) -> UserFiles {
    let mut out = UserFiles::default();
    let known: Vec<String> = (TEMPLATES.iter().map(|(n, _)| format!("{n}.hbs")))
        .chain(PARTIALS.iter().map(|(n, _)| format!("partials/{n}.md.hbs")))
        .collect();
    let names = |sub: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir.join(sub))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            // Hidden files are an editor's or a system's (`.#items.md.hbs`, `.DS_Store`).
            .filter(|f| !f.starts_with('.'))
            .collect();
        v.sort();
        v
    };
    for f in names(".") {
        // `project.md`, the extension left off: named, or it is ignored without a word.
        let full = format!("{f}.hbs");
        if known.contains(&full) {
            out.unread.push((f.clone(), Some(full)));
        } else if f.ends_with(".hbs") && !known.contains(&f) {
            let meant = crate::text::nearest(&f, known.iter().map(String::as_str));
            out.unread.push((f.clone(), meant.map(str::to_string)));
        }
    }
    for f in names("partials") {
        let file = format!("partials/{f}");
        match f.strip_suffix(".md.hbs") {
            Some(name) if PARTIALS.iter().any(|(p, _)| *p == name) => {}
            Some(name) if !name.is_empty() => out.partials.push(name.to_string()),
            _ => {
                let meant = crate::text::nearest(&file, known.iter().map(String::as_str));
                out.unread.push((file, meant.map(str::to_string)));
            }
        }
    }
    // A `partial/` folder (singular) is read by nobody.
    if dir.join("partial").is_dir() {
        out.unread.push(("partial/".into(), Some("partials/".into())));
    }
    out
}

/// The partials a template includes (`{{> name}}`, `{{#> name}}`).
fn included(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in source.match_indices("{{") {
        let rest = source[i + 2..].trim_start_matches(['~', '#']).trim_start();
        if let Some(after) = rest.strip_prefix('>') {
            let name: String = after
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// A cycle among partials (name, where it came from, what it includes): the first
/// partial's origin and the cycle in words (`items → about → items`).
fn partial_cycle(partials: &[(String, String, Vec<String>)]) -> Option<(String, String)> {
    fn walk<'a>(
        at: &'a str,
        partials: &'a [(String, String, Vec<String>)],
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(start) = path.iter().position(|p| *p == at) {
            let mut cycle = path[start..].to_vec();
            cycle.push(at);
            return Some(cycle);
        }
        let (_, _, uses) = partials.iter().find(|(n, _, _)| *n == at)?;
        path.push(at);
        for u in uses {
            if let Some(c) = walk(u, partials, path) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    partials.iter().find_map(|(name, origin, _)| {
        walk(name, partials, &mut Vec::new()).map(|c| (origin.clone(), c.join(" → ")))
    })
}

fn template_error(origin: &str, message: &str) -> Error {
    Error::Config { at: origin.to_string(), message: format!("invalid template: {message}") }
}

/// A template that does not parse, as one `file:line:col: invalid template: reason` in
/// plain words: the handlebars crate's own message repeats the grammar's rule names
/// (`expected trailing_tilde_to_omit_whitespace`) and numbers its snippet from 0.
fn syntax_error(origin: &str, source: &str, e: &handlebars::TemplateError) -> Error {
    use handlebars::TemplateErrorReason as R;
    let Some((line, col)) = e.pos() else {
        return template_error(origin, &e.reason().to_string());
    };
    let offset = offset_of(source, line, col);
    let before = &source[..offset];
    let (reason, line, col) = match e.reason() {
        R::MismatchingClosedHelper(open, close) | R::MismatchingClosedDecorator(open, close) => {
            let opened = open_blocks(before).pop();
            let at = opened.map(|(_, l, _)| format!(" (opened on line {l})")).unwrap_or_default();
            (format!("`{{{{/{close}}}}}` closes `{{{{#{open}}}}}`{at}: close it with `{{{{/{open}}}}}` first"), line, col)
        }
        R::InvalidSyntax(_) => {
            let tag = before.rfind("{{").filter(|&i| !before[i..].contains("}}"));
            let open = open_blocks(source);
            match (tag, open.last()) {
                (Some(i), _) => {
                    let (l, c) = line_col(source, i);
                    let text: String = source[i..].lines().next().unwrap_or("").chars().take(40).collect();
                    (format!("the tag `{text}` is not closed with `}}}}`"), l, c)
                }
                (None, Some((name, l, c))) if source[offset..].trim().is_empty() => (
                    format!("`{{{{#{name}}}}}` is never closed: the file ends without its `{{{{/{name}}}}}`"),
                    *l,
                    *c,
                ),
                _ => {
                    let text: String = source[offset..].lines().next().unwrap_or("").chars().take(40).collect();
                    (format!("invalid Handlebars syntax at `{}`", text.trim_end()), line, col)
                }
            }
        }
        other => (other.to_string(), line, col),
    };
    template_error(&format!("{origin}:{line}:{col}"), &reason)
}

/// The byte offset of a 1-based line and column (in characters).
fn offset_of(source: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match source[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return source.len(),
        }
    }
    let rest = &source[start..];
    start + rest.char_indices().nth(col.saturating_sub(1)).map_or(rest.len(), |(i, _)| i)
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// The blocks (`{{#each}}`, `{{#if}}`, `{{^x}}`, `{{#> partial}}`) still open at the end
/// of `text`, outermost first: (name, line, column). Comments are passed over.
fn open_blocks(text: &str) -> Vec<(String, usize, usize)> {
    let mut open = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        let start = text.len() - rest.len() + at;
        let tag = rest[at + 2..].trim_start_matches(['{', '~']);
        if tag.starts_with('!') {
            let end = if tag.starts_with("!--") { "--}}" } else { "}}" };
            rest = tag.find(end).map_or("", |e| &tag[e + end.len()..]);
            continue;
        }
        let name = |t: &str| -> String {
            t.trim_start_matches(['>', '*'])
                .trim_start()
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '}' | '~' | '('))
                .collect()
        };
        if let Some(t) = tag.strip_prefix('#').or_else(|| tag.strip_prefix('^')) {
            let n = name(t);
            if !n.is_empty() {
                let (l, c) = line_col(text, start);
                open.push((n, l, c));
            }
        } else if let Some(t) = tag.strip_prefix('/') {
            let n = name(t);
            if let Some(i) = open.iter().rposition(|(o, _, _)| *o == n) {
                open.truncate(i);
            }
        }
        rest = tag;
    }
    open
}

/// Escapes untrusted text for GitHub-flavoured Markdown: punctuation that starts markup is
/// backslash-escaped, `<` and `&` become entities, line breaks become spaces, and the
/// `://` and `www.` of would-be autolinks get a zero-width space so they stay text.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            // Parentheses and `>` start nothing mid-line (a link needs the `]` escaped
            // here, a quote needs a line start that values never have).
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '\r' | '\n' | '\t' => out.push(' '),
            ':' if chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') => {
                out.push(':');
                out.push('\u{200B}');
            }
            '.' if i >= 3
                && chars[i - 3..i].iter().collect::<String>().eq_ignore_ascii_case("www") =>
            {
                out.push('\u{200B}');
                out.push('.');
            }
            // GitHub makes `name@host.org` a mailto link: a zero-width space keeps it text.
            '@' if chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()) => {
                out.push('@');
                out.push('\u{200B}');
            }
            // Bidirectional controls can make a title read differently than it is.
            '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URL safe to put in a Markdown link target: http(s) only, no characters that end the
/// target or start markup.
pub(crate) fn safe_url(url: &str) -> Option<String> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let mut out = String::with_capacity(u.len());
    for c in u.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            '\'' => out.push_str("%27"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            '`' => out.push_str("%60"),
            // A `|` would end a table cell; a trailing `\` would escape the link's `)`.
            '|' => out.push_str("%7C"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() || c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// A code span that holds any text: backticks inside get a longer fence.
pub(crate) fn code_span(s: &str) -> String {
    let flat: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let mut longest = 0;
    let mut run = 0;
    for c in flat.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// `[KEY](url)` for an object with `key` and `url`, else the escaped key.
fn link_of(v: &Value) -> String {
    link_text(v, v.get("key").and_then(Value::as_str).unwrap_or(""))
}

/// `[text](url)` for an object with a `url` that is safe to link, else the escaped text.
fn link_text(v: &Value, key: &str) -> String {
    match v.get("url").and_then(Value::as_str).and_then(safe_url) {
        Some(url) => format!("[{}]({url})", escape(key)),
        None => escape(key),
    }
}

handlebars_helper!(badge: |s: str| match s {
    "red" => "🔴 Red",
    "amber" => "🟠 Amber",
    "green" => "🟢 Green",
    _ => "⚪ Unknown",
});
handlebars_helper!(pct: |v: f64| format!("{:.0}%", v * 100.0));
handlebars_helper!(num: |v: i64| crate::text::thousands(v));
handlebars_helper!(days_f: |v: Value| match v.as_f64() {
    Some(d) if d < 10.0 => format!("{d:.1} days"),
    Some(d) => format!("{d:.0} days"),
    None => "—".into(),
});
handlebars_helper!(concat: |a: str, b: str| format!("{a}{b}"));
handlebars_helper!(amount: |v: f64| amount_text(v));
// An amount with its unit, singular for one: `1 item`, `2.5 points`.
handlebars_helper!(amount_of: |v: f64, unit: str| {
    let unit = if v == 1.0 { unit.strip_suffix('s').unwrap_or(unit) } else { unit };
    format!("{} {unit}", amount_text(v))
});

fn amount_text(v: f64) -> String {
    if v.fract() == 0.0 {
        crate::text::thousands(v as i64)
    } else {
        format!("{v:.1}")
    }
}
handlebars_helper!(signed: |v: i64| if v > 0 { format!("+{v}") } else if v < 0 { format!("−{}", -v) } else { "0".into() });
/// `{{date x}}`: a date as it is; an instant (`2026-04-15T03:59:59Z`) as its date in the
/// report's time zone (`meta.timezone`, or the index's `timezone`), not UTC's: a report
/// as of 2026-04-14 in La Paz said "reported as of 2026-04-15".
fn date(
    h: &Helper,
    _: &Handlebars,
    ctx: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let v = h.param(0).map(|p| p.value()).unwrap_or(&Value::Null);
    let text = match v.as_str() {
        Some(s) if s.len() > 10 => {
            let root = ctx.data();
            let zone = root["meta"]["timezone"].as_str().or(root["timezone"].as_str());
            let tz = zone.and_then(|z| z.parse::<chrono_tz::Tz>().ok());
            match (chrono::DateTime::parse_from_rfc3339(s), tz) {
                (Ok(t), Some(tz)) => t.with_timezone(&tz).date_naive().to_string(),
                _ => s.get(..10).unwrap_or(s).to_string(),
            }
        }
        Some(s) => s.to_string(),
        None => "—".to_string(),
    };
    out.write(&text)?;
    Ok(())
}
handlebars_helper!(plural: |n: i64, noun: str| format!("{} {noun}{}", crate::text::thousands(n), if n == 1 { "" } else { "s" }));
handlebars_helper!(days: |n: i64| format!("{n} day{}", if n == 1 || n == -1 { "" } else { "s" }));
// `{{{link this}}}` links the key; `{{{link this text=this.project}}}` other text.
handlebars_helper!(link: |v: Value, {text: str = ""}| {
    if text.is_empty() { link_of(&v) } else { link_text(&v, text) }
});
/// The longest title a report shows (the JSON keeps it whole): a 50 MB title made a
/// 56,837-page PDF.
const TITLE_MAX: usize = 1000;

handlebars_helper!(item: |v: Value| {
    let title = v.get("title").and_then(Value::as_str).unwrap_or("");
    format!("{} {}", link_of(&v), escape(&crate::text::truncate(title, TITLE_MAX)))
});
handlebars_helper!(take: |list: array, n: u64| Value::Array(list.iter().take(n as usize).cloned().collect()));
// `{{more totals.blocked @root.top}}`: the full length of a list (or the list itself).
handlebars_helper!(more: |total: Value, n: u64| {
    let len = total.as_array().map_or_else(|| total.as_u64().unwrap_or(0) as usize, Vec::len);
    let extra = len.saturating_sub(n as usize);
    if extra == 0 { String::new() } else { format!("…and {} more", crate::text::thousands(extra as i64)) }
});
/// `{{esc x}}`: `x` escaped once for Markdown, whether in `{{…}}` or `{{{…}}}` (written
/// straight out: a helper's returned value in `{{…}}` would be escaped a second time,
/// `&` showing as `&amp;amp;`).
fn esc(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let v = h.param(0).map(|p| p.value());
    let text = match v {
        Some(Value::String(s)) => escape(s),
        Some(Value::Null) | None => String::new(),
        Some(other) => escape(&other.to_string()),
    };
    out.write(&text)?;
    Ok(())
}
handlebars_helper!(code: |v: str| code_span(v));
/// Labels as code spans, for a table cell: a backtick in a label is kept (a longer
/// fence holds it), and a `|` is escaped so that it does not end the cell.
fn code_list(list: &[Value]) -> String {
    let codes: Vec<String> =
        list.iter().filter_map(Value::as_str).map(|l| code_span(l).replace('|', "\\|")).collect();
    codes.join(" ")
}
handlebars_helper!(labels: |list: array| code_list(list));

/// Text set inside a Mermaid block, on one line and in quotes: line breaks and other
/// control characters become spaces (a newline could end the block early: a title of
/// "R9\n```\n# Heading" would put a heading, or raw HTML, in the report), double quotes
/// and backticks become `'`.
fn mermaid_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' | '`' => '\'',
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') => ' ',
            c => c,
        })
        .collect()
}

/// The x-axis labels of an xychart: field `x` of each entry, quoted.
fn axis_labels(list: &[Value], x: &str) -> String {
    let quoted: Vec<String> = list
        .iter()
        .map(|v| format!("\"{}\"", mermaid_text(v.get(x).and_then(Value::as_str).unwrap_or(""))))
        .collect();
    quoted.join(", ")
}

/// One series of an xychart: field `key` of each entry (0 when absent).
fn series(list: &[Value], key: &str) -> String {
    let values: Vec<String> = list
        .iter()
        .map(|v| v.get(key).and_then(Value::as_f64).unwrap_or(0.0).to_string())
        .collect();
    values.join(", ")
}

/// ```mermaid xychart-beta``` of weekly counts: `{{{chart_bars list "week" "done" "Title"}}}`.
fn chart_bars(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let list = h
        .param(0)
        .and_then(|p| p.value().as_array())
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("chart_bars", 0))?;
    let x = h.param(1).and_then(|p| p.value().as_str()).unwrap_or("week");
    let y = h.param(2).and_then(|p| p.value().as_str()).unwrap_or("done");
    let title = h.param(3).and_then(|p| p.value().as_str()).unwrap_or("");
    let line = h.param(4).and_then(|p| p.value().as_str());
    let mut s = String::from("```mermaid\nxychart-beta\n");
    s.push_str(&format!("    title \"{}\"\n", mermaid_text(title)));
    s.push_str(&format!("    x-axis [{}]\n", axis_labels(list, x)));
    s.push_str(&format!("    bar [{}]\n", series(list, y)));
    if let Some(l) = line {
        s.push_str(&format!("    line [{}]\n", series(list, l)));
    }
    s.push_str("```\n");
    out.write(&s)?;
    Ok(())
}

/// ```mermaid xychart-beta``` with one line per field named in the comma list `fields`
/// (a burn-up: `"done,scope"`); the names go in a `%% lines:` comment for the PDF's legend.
fn chart_lines(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let list = h
        .param(0)
        .and_then(|p| p.value().as_array())
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("chart_lines", 0))?;
    let x = h.param(1).and_then(|p| p.value().as_str()).unwrap_or("week");
    let fields = h.param(2).and_then(|p| p.value().as_str()).unwrap_or("done");
    let title = h.param(3).and_then(|p| p.value().as_str()).unwrap_or("");
    if list.is_empty() {
        return Ok(());
    }
    // `field:name` draws `field` under the legend `name` ("done_points:done").
    let fields: Vec<(&str, &str)> = (fields.split(',').map(str::trim))
        .filter(|f| !f.is_empty())
        .map(|f| f.split_once(':').unwrap_or((f, f)))
        .collect();
    let names: Vec<&str> = fields.iter().map(|&(_, name)| name).collect();
    let mut s = String::from("```mermaid\nxychart-beta\n");
    s.push_str(&format!("    title \"{}\"\n", mermaid_text(title)));
    s.push_str(&format!("    %% lines: {}\n", names.join(", ")));
    // A milestone (param 4): its due date and forecast, for the PDF's rule and note
    // (Mermaid has no marks; the Markdown's forecast table has the same dates).
    if let Some(m) = h.param(4).map(|p| p.value()) {
        let day = |v: &Value| v.as_str().filter(|d| d.len() == 10).map(str::to_string);
        if let Some(due) = day(&m["due"]) {
            s.push_str(&format!("    %% due: {due}\n"));
        }
        if let (Some(p50), Some(p85)) = (day(&m["forecast"]["p50"]), day(&m["forecast"]["p85"])) {
            s.push_str(&format!("    %% forecast: {p50} {p85}\n"));
        }
    }
    s.push_str(&format!("    x-axis [{}]\n", axis_labels(list, x)));
    for (f, _) in &fields {
        s.push_str(&format!("    line [{}]\n", series(list, f)));
    }
    s.push_str("```\n");
    out.write(&s)?;
    Ok(())
}

/// ```mermaid flowchart LR``` of the program report's critical paths: each item once,
/// labelled with its key and team, an arrow from each blocker to what it blocks.
fn chart_deps(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let paths = h
        .param(0)
        .and_then(|p| p.value().as_array())
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("chart_deps", 0))?;
    let title = h.param(1).and_then(|p| p.value().as_str()).unwrap_or("");
    let mut keys: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for p in paths {
        let mut prev: Option<usize> = None;
        for step in p.get("chain").and_then(Value::as_array).into_iter().flatten() {
            let node = &step["item"];
            let key = node["key"].as_str().unwrap_or("?").to_string();
            let id = match keys.iter().position(|k| *k == key) {
                Some(i) => i,
                None => {
                    let team = node["team"].as_str().unwrap_or("");
                    let label = mermaid_text(&format!("{key} · {team}")).replace(['[', ']'], "'");
                    keys.push(key);
                    names.push(label);
                    keys.len() - 1
                }
            };
            if let Some(a) = prev {
                if !edges.contains(&(a, id)) {
                    edges.push((a, id));
                }
            }
            prev = Some(id);
        }
    }
    if edges.is_empty() {
        return Ok(());
    }
    let mut s = String::from("```mermaid\nflowchart LR\n");
    s.push_str(&format!("    %% title: {}\n", mermaid_text(title)));
    for (i, l) in names.iter().enumerate() {
        s.push_str(&format!("    n{i}[\"{l}\"]\n"));
    }
    for (a, b) in &edges {
        s.push_str(&format!("    n{a} --> n{b}\n"));
    }
    s.push_str("```\n");
    out.write(&s)?;
    Ok(())
}

/// ```mermaid pie``` of an object's numeric values.
fn chart_pie(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let map = h
        .param(0)
        .and_then(|p| p.value().as_object())
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("chart_pie", 0))?;
    let title = h.param(1).and_then(|p| p.value().as_str()).unwrap_or("");
    let mut s = format!("```mermaid\npie title {}\n", mermaid_text(title));
    for (k, v) in map {
        s.push_str(&format!("    \"{}\" : {}\n", mermaid_text(k), v.as_f64().unwrap_or(0.0)));
    }
    s.push_str("```\n");
    out.write(&s)?;
    Ok(())
}

handlebars_helper!(file_name: |v: str| crate::text::spec_file_name(v));

/// Every helper, registered in one place, each behind strict checks of its arguments
/// (see [`super::strict`]): (name, what its arguments must be, how many are required, how
/// it is called).
fn register_helpers(hb: &mut Handlebars) {
    use super::strict::{self, Arg::*, Checked, Logic};
    type Boxed = Box<dyn handlebars::HelperDef + Send + Sync>;
    let table: Vec<(&'static str, Boxed, &'static [super::strict::Arg], usize, &'static str)> = vec![
        ("badge", Box::new(badge), &[Str], 1, "{{{badge status}}}"),
        ("pct", Box::new(pct), &[Num], 1, "{{pct 0.45}}"),
        ("num", Box::new(num), &[Int], 1, "{{num 1234}}"),
        ("amount", Box::new(amount), &[Num], 1, "{{amount 2.5}}"),
        ("amount_of", Box::new(amount_of), &[Num, Str], 2, "{{amount_of n \"points\"}}"),
        ("concat", Box::new(concat), &[Str, Str], 2, "{{concat \"a\" \"b\"}}"),
        ("days_f", Box::new(days_f), &[Any], 1, "{{days_f 2.5}}"),
        ("signed", Box::new(signed), &[Int], 1, "{{signed -2}}"),
        ("date", Box::new(date), &[Date], 1, "{{date this.due}}"),
        ("plural", Box::new(plural), &[Int, Str], 2, "{{plural n \"item\"}}"),
        ("days", Box::new(days), &[Int], 1, "{{days n}}"),
        ("link", Box::new(link), &[Any], 1, "{{{link this}}}"),
        ("item", Box::new(item), &[Item], 1, "{{{item this}}}"),
        ("take", Box::new(take), &[List, Count], 2, "{{#each (take list @root.top)}}"),
        ("more", Box::new(more), &[ListOrCount, Count], 2, "{{more totals.blocked @root.top}}"),
        ("esc", Box::new(esc), &[Any], 1, "{{esc x}}"),
        ("code", Box::new(code), &[Str], 1, "{{{code x}}}"),
        ("file_name", Box::new(file_name), &[Str], 1, "{{file_name this.spec}}"),
        ("labels", Box::new(labels), &[List], 1, "{{{labels this.labels}}}"),
        (
            "chart_bars",
            Box::new(chart_bars),
            &[List, Str, Str, Str, Str],
            1,
            "{{{chart_bars list \"week\" \"done\" \"Title\"}}}",
        ),
        ("chart_pie", Box::new(chart_pie), &[Map, Str], 1, "{{{chart_pie map \"Title\"}}}"),
        (
            "chart_lines",
            Box::new(chart_lines),
            &[List, Str, Str, Str, Any],
            1,
            "{{{chart_lines this.burn_up \"week\" \"done,scope\" \"Title\" this}}}",
        ),
        (
            "chart_deps",
            Box::new(chart_deps),
            &[List, Str],
            1,
            "{{{chart_deps dependencies.critical_paths \"Title\"}}}",
        ),
        ("if", Box::new(strict::Cond(true)), &[Any], 1, "{{#if x}}…{{/if}}"),
        ("unless", Box::new(strict::Cond(false)), &[Any], 1, "{{#unless x}}…{{/unless}}"),
        ("eq", Box::new(Logic(strict::eq)), &[Any, Any], 2, "(eq a b)"),
        ("ne", Box::new(Logic(strict::ne)), &[Any, Any], 2, "(ne a b)"),
        ("gt", Box::new(Logic(strict::gt)), &[Any, Any], 2, "(gt a b)"),
        ("gte", Box::new(Logic(strict::gte)), &[Any, Any], 2, "(gte a b)"),
        ("lt", Box::new(Logic(strict::lt)), &[Any, Any], 2, "(lt a b)"),
        ("lte", Box::new(Logic(strict::lte)), &[Any, Any], 2, "(lte a b)"),
        ("and", Box::new(Logic(strict::and)), &[], 1, "(and a b)"),
        ("or", Box::new(Logic(strict::or)), &[], 1, "(or a b)"),
        ("not", Box::new(Logic(strict::not)), &[Any], 1, "(not a)"),
        ("len", Box::new(Logic(strict::len)), &[Any], 1, "(len list)"),
    ];
    for (name, inner, args, required, usage) in table {
        let partial_params = matches!(name, "if" | "unless");
        hb.register_helper(
            name,
            Box::new(Checked { name, args, required, usage, partial_params, inner }),
        );
    }
}

/// The helpers a template can call: [`register_helpers`]'s and the handlebars crate's own.
pub(crate) const HELPERS: &[&str] = &[
    "badge",
    "pct",
    "num",
    "amount",
    "amount_of",
    "concat",
    "days_f",
    "signed",
    "date",
    "plural",
    "days",
    "link",
    "item",
    "take",
    "more",
    "esc",
    "code",
    "file_name",
    "labels",
    "chart_bars",
    "chart_pie",
    "chart_lines",
    "chart_deps",
    "if",
    "unless",
    "each",
    "with",
    "lookup",
    "eq",
    "ne",
    "gt",
    "gte",
    "lt",
    "lte",
    "and",
    "or",
    "not",
    "len",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks nested past the limit are found with their line; the built-in templates,
    /// comments and closed blocks are not.
    #[test]
    fn templates_nested_too_deep_are_found() {
        for (name, text) in TEMPLATES.iter().chain(PARTIALS) {
            assert_eq!(nested_too_deep(text), None, "{name}");
        }
        let deep = format!("a\n{}x{}", "{{#if true}}".repeat(101), "{{/if}}".repeat(101));
        assert_eq!(nested_too_deep(&deep), Some(2));
        let side_by_side = "{{#if a}}{{/if}}".repeat(500);
        assert_eq!(nested_too_deep(&side_by_side), None);
        let commented = format!("{{{{!-- {} --}}}}", "{{#if a}}".repeat(200));
        assert_eq!(nested_too_deep(&commented), None);
    }

    /// `esc` escapes once in `{{…}}` and in `{{{…}}}` alike (it used to give `&amp;amp;`).
    #[test]
    fn esc_escapes_once() {
        let mut hb = Handlebars::new();
        hb.register_escape_fn(escape);
        register_helpers(&mut hb);
        let data = serde_json::json!({"t": "Build, Polish & Rep_1"});
        for t in ["{{esc t}}", "{{{esc t}}}", "{{t}}"] {
            assert_eq!(hb.render_template(t, &data).unwrap(), "Build, Polish &amp; Rep\\_1", "{t}");
        }
    }

    /// No name in a chart can end its Mermaid block (a milestone titled "R9", a newline,
    /// three backticks and an image put raw HTML and a heading in the report), and a
    /// project's status-update link is a link only for http(s).
    #[test]
    fn chart_text_and_status_links_inject_nothing() {
        let mut hb = Handlebars::new();
        hb.register_escape_fn(escape);
        register_helpers(&mut hb);
        let evil = "R9\n```\n<img src=x>\n\n# INJECTED\u{2028}`";
        let data = serde_json::json!({
            "burn": [{"week": evil, "done": 1}],
            "mix": {evil: 2},
            "paths": [{"chain": [{"item": {"key": "A-1", "team": evil}}, {"item": {"key": "B-2", "team": "Web"}}]}],
            "bad": {"project": "Checkout", "url": "javascript:alert(1)"},
            "good": {"project": "Gateway", "url": "https://github.com/orgs/acme/projects/7"},
        });
        for t in [
            "{{{chart_bars burn \"week\" \"done\" \"x\"}}}",
            "{{{chart_lines burn \"week\" \"done\" (concat \"Burn-up: \" burn.[0].week)}}}",
            "{{{chart_pie mix \"t\"}}}",
            "{{{chart_deps paths \"t\"}}}",
        ] {
            let out = hb.render_template(t, &data).unwrap();
            // The block's own two fences, nothing else at the start of a line.
            let fences = out.lines().filter(|l| l.trim_start().starts_with("```")).count();
            assert_eq!(fences, 2, "{t}: {out}");
            assert!(!out.lines().any(|l| l.starts_with('#') || l.starts_with('<')), "{out}");
        }
        let linked = |v: &str| {
            hb.render_template(&format!("{{{{{{link {v} text={v}.project}}}}}}"), &data).unwrap()
        };
        assert_eq!(linked("bad"), "Checkout");
        assert_eq!(linked("good"), "[Gateway](https://github.com/orgs/acme/projects/7)");
        // Labels in a table cell: a `|` does not split the row, a backtick is kept.
        let tags = serde_json::json!({"l": ["a|b", "x`y"]});
        assert_eq!(hb.render_template("{{{labels l}}}", &tags).unwrap(), "`a\\|b` ``x`y``");
    }

    #[test]
    fn escaping_gaps_closed() {
        assert_eq!(escape("mail ops@acme.test"), "mail ops@\u{200B}acme.test");
        assert_eq!(escape("a\u{202E}txt.exe\u{2066}b"), "atxt.exeb");
        assert_eq!(safe_url("https://x.test/a|b\\").as_deref(), Some("https://x.test/a%7Cb%5C"));
    }

    #[test]
    fn partials_that_include_each_other_are_found() {
        let p = |n: &'static str, uses: &[&str]| {
            (
                n.to_string(),
                format!("{n}.md.hbs"),
                uses.iter().map(|u| u.to_string()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            included("a {{> items list=x}} b {{~> about}} {{#> notes}}x{{/notes}}"),
            ["items", "about", "notes"]
        );
        assert_eq!(partial_cycle(&[p("items", &["about"]), p("about", &[])]), None);
        assert_eq!(
            partial_cycle(&[p("items", &["about"]), p("about", &["items"])]),
            Some(("items.md.hbs".into(), "items → about → items".into()))
        );
        assert_eq!(
            partial_cycle(&[p("notes", &["notes"])]).map(|(_, c)| c),
            Some("notes → notes".into())
        );
    }

    #[test]
    fn escaping_defuses_markup() {
        assert_eq!(
            escape("**bold** [x](javascript:alert(1))"),
            "\\*\\*bold\\*\\* \\[x\\](javascript:alert(1))"
        );
        assert_eq!(escape("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)>");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(escape("a | b\nc"), "a \\| b c");
        assert_eq!(escape("see https://evil.example"), "see https:\u{200B}//evil.example");
        assert_eq!(escape("www.evil.example"), "www\u{200B}.evil.example");
        assert_eq!(escape("![img](x)"), "\\!\\[img\\](x)");
    }

    #[test]
    fn only_http_links() {
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url(" JAVASCRIPT:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,x"), None);
        assert_eq!(safe_url("https://x.test/a b)"), Some("https://x.test/a%20b%29".into()));
    }

    #[test]
    fn numbers() {
        assert_eq!(crate::text::thousands(1234567), "1,234,567");
        assert_eq!(crate::text::thousands(-1000), "-1,000");
        assert_eq!(crate::text::thousands(999), "999");
    }
}
