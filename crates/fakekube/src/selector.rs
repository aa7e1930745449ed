//! Label and field selectors, parsed and matched the way the API server does
//! (`k8s.io/apimachinery/pkg/labels` and `pkg/fields`), so a client's query strings mean
//! the same thing here as against a real cluster.

/// One label requirement's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    NotEq,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

/// `key op values`, one comma-separated part of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub op: Op,
    pub values: Vec<String>,
}

/// A parsed `labelSelector`: every requirement must hold (comma = AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Not,
    Eq,
    DoubleEq,
    NotEq,
    In,
    NotIn,
    Open,
    Close,
    Comma,
    Gt,
    Lt,
    End,
}

fn lex(s: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let special = |c: char| matches!(c, '!' | '=' | '(' | ')' | ',' | '<' | '>');
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let (tok, len) = match (c, next) {
            ('!', Some('=')) => (Tok::NotEq, 2),
            ('!', _) => (Tok::Not, 1),
            ('=', Some('=')) => (Tok::DoubleEq, 2),
            ('=', _) => (Tok::Eq, 1),
            ('(', _) => (Tok::Open, 1),
            (')', _) => (Tok::Close, 1),
            (',', _) => (Tok::Comma, 1),
            ('>', _) => (Tok::Gt, 1),
            ('<', _) => (Tok::Lt, 1),
            _ => {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() && !special(chars[i]) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                toks.push(match word.as_str() {
                    "in" => Tok::In,
                    "notin" => Tok::NotIn,
                    _ => Tok::Ident(word),
                });
                continue;
            }
        };
        toks.push(tok);
        i += len;
    }
    toks.push(Tok::End);
    toks
}

/// `[prefix/]name`: a DNS subdomain prefix and a name of at most 63 characters.
fn valid_key(key: &str) -> bool {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        let ok = !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !part.starts_with('-')
                    && !part.ends_with('-')
            });
        if !ok {
            return false;
        }
    }
    !name.is_empty() && valid_value(name)
}

/// Empty, or at most 63 alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric.
fn valid_value(v: &str) -> bool {
    if v.is_empty() {
        return true;
    }
    v.len() <= 63
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && v.starts_with(|c: char| c.is_ascii_alphanumeric())
        && v.ends_with(|c: char| c.is_ascii_alphanumeric())
}

impl LabelSelector {
    /// Parses the `labelSelector` query parameter. The error reads like the API server's.
    pub fn parse(s: &str) -> Result<Self, String> {
        let toks = lex(s);
        let mut p = 0;
        let mut requirements = Vec::new();
        if toks[0] == Tok::End {
            return Ok(Self::default());
        }
        loop {
            requirements.push(parse_requirement(&toks, &mut p)?);
            match &toks[p] {
                Tok::End => break,
                Tok::Comma => p += 1,
                t => return Err(format!("found '{t:?}', expected: ',' or 'end of string'")),
            }
        }
        Ok(Self { requirements })
    }

    /// True when every requirement holds for these labels (sorted by key).
    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }
}

fn ident(toks: &[Tok], p: &mut usize, what: &str) -> Result<String, String> {
    match &toks[*p] {
        Tok::Ident(s) => {
            *p += 1;
            Ok(s.clone())
        }
        t => Err(format!("found '{t:?}', expected: {what}")),
    }
}

fn parse_requirement(toks: &[Tok], p: &mut usize) -> Result<Requirement, String> {
    let negated = toks[*p] == Tok::Not;
    if negated {
        *p += 1;
    }
    let key = ident(toks, p, "identifier")?;
    if !valid_key(&key) {
        return Err(format!("invalid label key {key:?}"));
    }
    if negated {
        return Ok(Requirement {
            key,
            op: Op::DoesNotExist,
            values: Vec::new(),
        });
    }
    let op = match &toks[*p] {
        Tok::Comma | Tok::End => {
            return Ok(Requirement {
                key,
                op: Op::Exists,
                values: Vec::new(),
            })
        }
        Tok::Eq | Tok::DoubleEq => Op::Eq,
        Tok::NotEq => Op::NotEq,
        Tok::In => Op::In,
        Tok::NotIn => Op::NotIn,
        Tok::Gt => Op::Gt,
        Tok::Lt => Op::Lt,
        t => {
            return Err(format!(
                "found '{t:?}', expected: '=', '!=', '==', 'in', notin'"
            ))
        }
    };
    *p += 1;
    let values = match op {
        Op::In | Op::NotIn => {
            if toks[*p] != Tok::Open {
                return Err(format!("found '{:?}', expected: '('", toks[*p]));
            }
            *p += 1;
            let mut values = Vec::new();
            loop {
                match &toks[*p] {
                    Tok::Ident(v) => {
                        values.push(v.clone());
                        *p += 1;
                    }
                    Tok::Comma => values.push(String::new()),
                    Tok::Close => {}
                    t => return Err(format!("found '{t:?}', expected: ',', ')' or identifier")),
                }
                match &toks[*p] {
                    Tok::Comma => *p += 1,
                    Tok::Close => {
                        *p += 1;
                        break;
                    }
                    t => return Err(format!("found '{t:?}', expected: ',' or ')'")),
                }
            }
            if values.is_empty() {
                return Err(format!(
                    "for 'in', 'notin' operators, values set can't be empty (key {key:?})"
                ));
            }
            values
        }
        Op::Gt | Op::Lt => {
            let v = ident(toks, p, "integer value")?;
            if v.parse::<i64>().is_err() {
                return Err(format!(
                    "for 'Gt', 'Lt' operators, the value must be an integer (got {v:?})"
                ));
            }
            vec![v]
        }
        _ => match &toks[*p] {
            Tok::Comma | Tok::End => vec![String::new()],
            _ => vec![ident(toks, p, "identifier")?],
        },
    };
    if let Some(bad) = values.iter().find(|v| !valid_value(v)) {
        return Err(format!("invalid label value: {bad:?}"));
    }
    Ok(Requirement { key, op, values })
}

impl Requirement {
    fn matches(&self, labels: &[(String, String)]) -> bool {
        let value = labels
            .binary_search_by(|(k, _)| k.as_str().cmp(&self.key))
            .ok()
            .map(|i| labels[i].1.as_str());
        let in_set = |v: &str| self.values.iter().any(|x| x == v);
        let int = |v: &str| v.parse::<i64>().ok();
        let bound = self.values.first().and_then(|v| int(v));
        match (self.op, value) {
            (Op::Exists, v) => v.is_some(),
            (Op::DoesNotExist, v) => v.is_none(),
            (Op::Eq | Op::In, Some(v)) => in_set(v),
            (Op::NotEq | Op::NotIn, Some(v)) => !in_set(v),
            (Op::NotEq | Op::NotIn, None) => true,
            (Op::Gt, Some(v)) => matches!((int(v), bound), (Some(a), Some(b)) if a > b),
            (Op::Lt, Some(v)) => matches!((int(v), bound), (Some(a), Some(b)) if a < b),
            // A missing label fails `=`, `in`, `>` and `<`.
            (Op::Eq | Op::In | Op::Gt | Op::Lt, None) => false,
        }
    }
}

/// One `field=value` / `field!=value` term of a field selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldTerm {
    pub field: String,
    pub value: String,
    pub negated: bool,
}

/// Parses a `fieldSelector` (comma = AND; `\,`, `\=` and `\\` escape inside values).
/// Which fields are supported is the caller's business: the server answers 400
/// "field label not supported" for the others, as a real one does.
pub fn parse_field_selector(s: &str) -> Result<Vec<FieldTerm>, String> {
    let mut terms = Vec::new();
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars();
    // Split on unescaped commas, keeping escapes for the value pass below.
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push('\\');
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            ',' => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    for part in parts {
        if part.trim().is_empty() {
            continue;
        }
        let (field, negated, raw) = if let Some((f, v)) = part.split_once("!=") {
            (f, true, v)
        } else if let Some((f, v)) = part.split_once("==") {
            (f, false, v)
        } else if let Some((f, v)) = part.split_once('=') {
            (f, false, v)
        } else {
            return Err(format!(
                "invalid selector: '{s}'; can't understand '{part}'"
            ));
        };
        let mut value = String::new();
        let mut vc = raw.chars();
        while let Some(c) = vc.next() {
            if c == '\\' {
                if let Some(n) = vc.next() {
                    value.push(n);
                }
            } else {
                value.push(c);
            }
        }
        terms.push(FieldTerm {
            field: field.trim().to_owned(),
            value,
            negated,
        });
    }
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<_> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        v.sort();
        v
    }

    fn m(sel: &str, l: &[(&str, &str)]) -> bool {
        LabelSelector::parse(sel).unwrap().matches(&labels(l))
    }

    #[test]
    fn equality_forms() {
        assert!(m("app=web", &[("app", "web")]));
        assert!(m("app==web", &[("app", "web")]));
        assert!(!m("app=web", &[("app", "db")]));
        assert!(!m("app=web", &[]));
        assert!(m("app!=web", &[("app", "db")]));
        assert!(m("app!=web", &[]), "!= matches a missing label");
        assert!(!m("app!=web", &[("app", "web")]));
    }

    #[test]
    fn set_forms() {
        assert!(m("env in (prod, staging)", &[("env", "staging")]));
        assert!(!m("env in (prod,staging)", &[("env", "dev")]));
        assert!(!m("env in (prod)", &[]));
        assert!(m("env notin (prod)", &[("env", "dev")]));
        assert!(m("env notin (prod)", &[]), "notin matches a missing label");
        assert!(!m("env notin (prod,dev)", &[("env", "dev")]));
    }

    #[test]
    fn existence_forms_and_and() {
        assert!(m("app", &[("app", "")]));
        assert!(!m("app", &[("x", "y")]));
        assert!(m("!app", &[("x", "y")]));
        assert!(!m("!app", &[("app", "y")]));
        let l = [("app", "web"), ("istio.io/rev", "1-25"), ("tier", "front")];
        assert!(m("app=web,istio.io/rev in (1-25,1-26),!legacy,tier", &l));
        assert!(!m("app=web,istio.io/rev notin (1-25)", &l));
        assert!(m("", &l));
        assert!(m("app=", &[("app", "")]), "empty value");
    }

    #[test]
    fn numeric_comparisons() {
        assert!(m("gen>3", &[("gen", "4")]));
        assert!(!m("gen<3", &[("gen", "4")]));
        assert!(!m("gen>3", &[]));
    }

    #[test]
    fn bad_selectors_are_errors() {
        for bad in [
            "app=web,",
            "in (a)",
            "app in a",
            "app in ()",
            "app=(x)",
            "-bad=x",
            "app=not/valid",
            "gen>x",
            "app==web==x",
        ] {
            assert!(LabelSelector::parse(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn field_selectors() {
        let t = parse_field_selector("metadata.name=a,metadata.namespace!=kube-system").unwrap();
        assert_eq!(t.len(), 2);
        assert!(t[1].negated);
        assert_eq!(t[1].value, "kube-system");
        let t = parse_field_selector(r"metadata.name==a\,b").unwrap();
        assert_eq!(t[0].value, "a,b");
        assert!(parse_field_selector("metadata.name").is_err());
        assert!(parse_field_selector("").unwrap().is_empty());
    }
}
