//! `serve`'s structured log: one line per event on stderr, as logfmt (`--log-format
//! text`, for a person and for Loki's `logfmt` parser) or JSON (`--log-format json`, for
//! log pipelines). Events are values, formatted in one place, so both formats carry the
//! same fields under the same names.

use std::fmt::Write as _;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// `ts=... level=info event=scan msg="..." key=value` (logfmt).
    #[default]
    Text,
    /// One JSON object per line: `{"ts":..,"level":..,"event":..,"msg":..,...}`.
    Json,
}

/// How bad an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// A field's value: written bare when a number, quoted when text.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<u64> for Value {
    #[expect(
        clippy::cast_precision_loss,
        reason = "counts of scans and objects, far below 2^53"
    )]
    fn from(n: u64) -> Self {
        Value::Number(n as f64)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

/// One log event: what happened (`event`, a fixed word), a sentence, and fields.
#[derive(Debug, Clone)]
pub struct Event {
    pub level: Level,
    /// `listening`, `scan`, `scan-incomplete`, `scan-failed`, `shutdown`, `http-error`.
    pub event: &'static str,
    pub msg: String,
    pub fields: Vec<(&'static str, Value)>,
}

impl Event {
    pub fn new(level: Level, event: &'static str, msg: impl Into<String>) -> Self {
        Self {
            level,
            event,
            msg: msg.into(),
            fields: Vec::new(),
        }
    }

    /// Adds a field.
    #[must_use]
    pub fn with(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.fields.push((key, value.into()));
        self
    }

    /// The event as one line (with its newline), stamped `ts`.
    pub fn line(&self, format: LogFormat, ts: &str) -> String {
        match format {
            LogFormat::Text => self.logfmt(ts),
            LogFormat::Json => self.json(ts),
        }
    }

    fn logfmt(&self, ts: &str) -> String {
        let mut out = format!(
            "ts={ts} level={} event={} msg={}",
            self.level.as_str(),
            self.event,
            quote(&self.msg)
        );
        for (k, v) in &self.fields {
            let _ = match v {
                Value::Text(s) if bare(s) => write!(out, " {k}={s}"),
                Value::Text(s) => write!(out, " {k}={}", quote(s)),
                Value::Number(n) => write!(out, " {k}={}", number(*n)),
            };
        }
        out.push('\n');
        out
    }

    fn json(&self, ts: &str) -> String {
        let mut map = serde_json::Map::new();
        map.insert("ts".into(), ts.into());
        map.insert("level".into(), self.level.as_str().into());
        map.insert("event".into(), self.event.into());
        map.insert("msg".into(), self.msg.clone().into());
        for (k, v) in &self.fields {
            let v = match v {
                Value::Text(s) => serde_json::Value::from(s.clone()),
                Value::Number(n) => serde_json::Number::from_f64(*n)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
            };
            map.insert((*k).to_owned(), v);
        }
        let mut out = serde_json::Value::Object(map).to_string();
        out.push('\n');
        out
    }
}

/// A value logfmt may write unquoted: no space, quote, `=` or control character.
fn bare(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && c != '"' && c != '=')
}

/// A quoted logfmt value: `"` and `\` escaped, control characters as `\n`, `\t`, `\u{..}`
/// (a message from the cluster never breaks the line).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Seconds with millisecond precision, counts without a fraction.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        format!("{n:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        Event::new(Level::Warn, "scan-incomplete", "a \"quoted\"\nmessage")
            .with("context", "kind-dev")
            .with("resource", "Deployment/shop/web x=1")
            .with("duration_seconds", 1.23456)
            .with("warnings", 3u64)
    }

    #[test]
    fn logfmt_is_one_line_quoting_what_needs_it() {
        let line = event().line(LogFormat::Text, "2026-11-23T00:00:00Z");
        assert_eq!(
            line,
            "ts=2026-11-23T00:00:00Z level=warn event=scan-incomplete msg=\"a \\\"quoted\\\"\\nmessage\" \
             context=kind-dev resource=\"Deployment/shop/web x=1\" duration_seconds=1.235 warnings=3\n"
        );
    }

    #[test]
    fn json_is_one_object_per_line_with_the_same_fields() {
        let line = event().line(LogFormat::Json, "2026-11-23T00:00:00Z");
        assert_eq!(line.matches('\n').count(), 1);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["level"], "warn");
        assert_eq!(v["event"], "scan-incomplete");
        assert_eq!(v["msg"], "a \"quoted\"\nmessage");
        assert_eq!(v["context"], "kind-dev");
        assert_eq!(v["warnings"], 3.0);
        assert_eq!(v["ts"], "2026-11-23T00:00:00Z");
    }

    #[test]
    fn control_characters_never_break_a_line() {
        let line =
            Event::new(Level::Error, "scan-failed", "x\u{1b}[31m\r").line(LogFormat::Text, "t");
        assert!(line.contains("msg=\"x\\u{1b}[31m\\u{d}\""), "{line}");
    }
}
