//! Strict mode for helpers: every helper (ours, the built-in comparisons, `#if` and
//! `#unless`) is registered behind [`Checked`], which stops the run when an argument names
//! a field that does not exist (`{{date this.deu}}` printed `—`, `{{#if verdict.stauts}}`
//! was silently false) and when an argument is of the wrong kind (`{{date 12345}}`),
//! naming the helper, the path and the value. A field that exists with no value (null)
//! is not missing: helpers that take one (`date`, `link`, `#if`…) still get it.

use std::cmp::Ordering;

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, JsonTruthy, Output, PathAndJson,
    RenderContext, RenderError, RenderErrorReason, Renderable, ScopedJson,
};
use serde_json::Value;

/// What a helper's argument must be.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Arg {
    /// Anything, null included.
    Any,
    /// A number.
    Num,
    /// A whole number.
    Int,
    /// A whole number, zero or more.
    Count,
    /// Text.
    Str,
    /// A list.
    List,
    /// An object.
    Map,
    /// A date or an instant as text (`2026-11-27`), or null (shown as `—`).
    Date,
    /// An item: an object with a `key`, or null.
    Item,
    /// A list, or a number (a list's length).
    ListOrCount,
}

impl Arg {
    fn accepts(self, v: &Value) -> bool {
        match self {
            Arg::Any => true,
            Arg::Num => v.is_number(),
            Arg::Int => v.is_i64() || v.is_u64(),
            Arg::Count => v.is_u64(),
            Arg::Str => v.is_string(),
            Arg::List => v.is_array(),
            Arg::Map => v.is_object(),
            // Other text is shown as it is (a status update's free-form date).
            Arg::Date => v.is_null() || v.is_string(),
            Arg::Item => v.is_null() || v.get("key").is_some_and(Value::is_string),
            Arg::ListOrCount => v.is_array() || v.is_u64(),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Arg::Any => "a value",
            Arg::Num => "a number",
            Arg::Int => "a whole number",
            Arg::Count => "a count (a whole number, 0 or more)",
            Arg::Str => "text",
            Arg::List => "a list",
            Arg::Map => "an object",
            Arg::Date => "a date (text such as 2026-11-27, or null)",
            Arg::Item => "an item (an object with `key`, `title` and `url`)",
            Arg::ListOrCount => "a list or a count",
        }
    }
}

/// A value as a template author would write it, cut short.
pub(crate) fn shown(v: &Value) -> String {
    let kind = match v {
        Value::Null => return "null".into(),
        Value::Bool(_) => "",
        Value::Number(_) => "the number ",
        Value::String(_) => "the text ",
        Value::Array(_) => "the list ",
        Value::Object(_) => "the object ",
    };
    format!("{kind}{}", crate::text::truncate(&v.to_string(), 60))
}

/// A helper behind strict checks of its arguments: `args` are the positional ones, the
/// first `required` of them needed.
pub(crate) struct Checked {
    pub name: &'static str,
    pub args: &'static [Arg],
    pub required: usize,
    /// How it is called, for an error's hint: `{{pct x}}`.
    pub usage: &'static str,
    /// `#if`/`#unless`: a bare name that is missing (`{{#if candidates}}`, `{{#if
    /// ../candidates}}`) in a partial or a block (which may be a partial's) is a parameter
    /// the include left out, and false; at a report template's top level it is an error.
    pub partial_params: bool,
    pub inner: Box<dyn HelperDef + Send + Sync>,
}

impl Checked {
    fn check<'reg, 'rc>(
        &self,
        h: &Helper,
        r: &Handlebars,
        ctx: &'rc Context,
        rc: &RenderContext<'reg, 'rc>,
    ) -> Result<(), RenderError> {
        let block = if h.is_block() { "#" } else { "" };
        let name = self.name;
        let at = |p: &PathAndJson| {
            p.relative_path().map(|p| format!("`{p}`")).unwrap_or_else(|| "its argument".into())
        };
        let missing = |p: &PathAndJson| {
            let path = p.relative_path().map(String::as_str).unwrap_or("?");
            RenderErrorReason::Other(format!(
                "no field `{path}` (given to `{{{{{block}{name} …}}}}`; templates run in strict mode)"
            ))
        };
        if r.strict_mode() {
            for p in h.params().iter().chain(h.hash().values()) {
                if p.is_value_missing()
                    && !self.left_out_parameter(p, rc)
                    && !through_null(p, ctx, rc)
                {
                    return Err(missing(p).into());
                }
            }
        }
        if h.params().len() < self.required {
            let n = self.required;
            return Err(RenderErrorReason::Other(format!(
                "`{name}` needs {n} argument{}: `{}`",
                if n == 1 { "" } else { "s" },
                self.usage
            ))
            .into());
        }
        for (p, kind) in h.params().iter().zip(self.args) {
            let v = p.value();
            if kind.accepts(v) {
                continue;
            }
            let hint = if v.is_null() && p.relative_path().is_some() {
                format!(
                    " (it has no value here: test it first, `{{{{#if {}}}}}`)",
                    at(p).trim_matches('`')
                )
            } else {
                String::new()
            };
            let whose = match p.relative_path() {
                Some(path) => format!("`{path}` is {}", shown(v)),
                None => format!("got {}", shown(v)),
            };
            return Err(RenderErrorReason::Other(format!(
                "`{name}` takes {}: {whose}{hint} (`{}`)",
                kind.describe(),
                self.usage
            ))
            .into());
        }
        Ok(())
    }
}

/// Whether a missing path runs through a field that is there with no value
/// (`this.forecast.p50` when `forecast` is null): then it is null, not misspelt.
fn through_null<'reg, 'rc>(
    p: &PathAndJson,
    ctx: &'rc Context,
    rc: &RenderContext<'reg, 'rc>,
) -> bool {
    let Some(path) = p.relative_path() else { return false };
    let mut ends = path.match_indices('.').map(|(i, _)| i).collect::<Vec<_>>();
    ends.reverse();
    ends.into_iter().any(|end| {
        rc.evaluate(ctx, &path[..end]).is_ok_and(|v| !v.is_missing() && v.as_json().is_null())
    })
}

impl Checked {
    fn left_out_parameter(&self, p: &PathAndJson, rc: &RenderContext) -> bool {
        // A block's body has no template name of its own (so it may be a partial's).
        let in_partial = rc
            .get_current_template_name()
            .is_none_or(|t| super::markdown::TEMPLATES.iter().all(|(n, _)| n != t));
        let mut path = p.relative_path().map_or("", String::as_str);
        while let Some(rest) = path.strip_prefix("../") {
            path = rest;
        }
        self.partial_params && in_partial && !path.contains(['.', '/', '['])
    }
}

impl HelperDef for Checked {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        self.check(h, r, ctx, rc)?;
        self.inner.call_inner(h, r, ctx, rc)
    }

    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        self.check(h, r, ctx, rc)?;
        self.inner.call(h, r, ctx, rc, out)
    }
}

/// The built-in comparisons (`eq`, `gt`, `and`, `not`, `len`…), as the handlebars crate
/// has them (which keeps them private, so they cannot be wrapped): a value, or a block
/// rendered when the value is true.
pub(crate) struct Logic(pub fn(&[PathAndJson]) -> Value);

impl HelperDef for Logic {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        Ok(ScopedJson::Derived((self.0)(h.params())))
    }

    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let value = (self.0)(h.params());
        if !h.is_block() {
            out.write(&value.to_string())?;
            return Ok(());
        }
        let tmpl = if value.as_bool().unwrap_or(false) { h.template() } else { h.inverse() };
        match tmpl {
            Some(t) => t.render(r, ctx, rc, out),
            None => Ok(()),
        }
    }
}

/// `#if` and `#unless`, as the handlebars crate has them (`includeZero=true` makes 0
/// true), here so that they can be wrapped.
pub(crate) struct Cond(pub bool);

impl HelperDef for Cond {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let zero = h.hash_get("includeZero").and_then(|v| v.value().as_bool()).unwrap_or(false);
        let value = h.param(0).is_some_and(|p| p.value().is_truthy(zero)) == self.0;
        let tmpl = if value { h.template() } else { h.inverse() };
        match tmpl {
            Some(t) => t.render(r, ctx, rc, out),
            None => Ok(()),
        }
    }
}

fn arg<'a>(p: &'a [PathAndJson], i: usize) -> &'a Value {
    p.get(i).map_or(&Value::Null, PathAndJson::value)
}

/// Numbers by value, text by text, a number and numeric text by number; else unordered.
fn compare(x: &Value, y: &Value) -> Option<Ordering> {
    let num = |v: &Value| v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok()));
    match (x, y) {
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Number(_), _) | (_, Value::Number(_)) => num(x)?.partial_cmp(&num(y)?),
        _ => None,
    }
}

pub(crate) fn eq(p: &[PathAndJson]) -> Value {
    Value::Bool(arg(p, 0) == arg(p, 1))
}
pub(crate) fn ne(p: &[PathAndJson]) -> Value {
    Value::Bool(arg(p, 0) != arg(p, 1))
}
pub(crate) fn gt(p: &[PathAndJson]) -> Value {
    Value::Bool(compare(arg(p, 0), arg(p, 1)) == Some(Ordering::Greater))
}
pub(crate) fn gte(p: &[PathAndJson]) -> Value {
    Value::Bool(compare(arg(p, 0), arg(p, 1)).is_some_and(|o| o != Ordering::Less))
}
pub(crate) fn lt(p: &[PathAndJson]) -> Value {
    Value::Bool(compare(arg(p, 0), arg(p, 1)) == Some(Ordering::Less))
}
pub(crate) fn lte(p: &[PathAndJson]) -> Value {
    Value::Bool(compare(arg(p, 0), arg(p, 1)).is_some_and(|o| o != Ordering::Greater))
}
pub(crate) fn and(p: &[PathAndJson]) -> Value {
    Value::Bool(p.iter().all(|x| x.value().is_truthy(false)))
}
pub(crate) fn or(p: &[PathAndJson]) -> Value {
    Value::Bool(p.iter().any(|x| x.value().is_truthy(false)))
}
pub(crate) fn not(p: &[PathAndJson]) -> Value {
    Value::Bool(!arg(p, 0).is_truthy(false))
}
pub(crate) fn len(p: &[PathAndJson]) -> Value {
    Value::from(match arg(p, 0) {
        Value::Array(a) => a.len(),
        Value::Object(m) => m.len(),
        Value::String(s) => s.len(),
        _ => 0,
    })
}
