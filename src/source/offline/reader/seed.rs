//! One document, deserialized as it is parsed: the items of a List are handed over one at a
//! time, so a 50,000-pod `kubectl get -o yaml` never exists as one value tree in memory.
//!
//! kubectl prints keys in order, so `items` comes before `kind: List`. Items are therefore
//! read into a staging builder and kept only if the document turns out to be a List; any
//! other document is handled whole, as before.

use std::fmt;
use std::rc::Rc;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::super::document::value;
use super::super::stream::Meter;
use super::{Reader, Staged};

/// What the visitors return to the parser when the reader itself failed; the real error
/// waits in [`Reader::failed`].
const STOPPED: &str = "stopped: see the reader's error";

/// Deserializes one whole document (top level) into the reader.
pub struct DocSeed<'r> {
    pub reader: &'r mut Reader,
    pub name: &'r str,
    pub doc: String,
    pub meter: Rc<Meter>,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl DocSeed<'_> {
    fn done<E: serde::de::Error>(self, r: super::Result<()>) -> Result<(), E> {
        r.map_err(|e| {
            self.reader.failed = Some(e);
            E::custom(STOPPED)
        })
    }

    fn scalar<E: serde::de::Error>(self, v: Value) -> Result<(), E> {
        let r = self.reader.top_value(self.name, &self.doc, v);
        self.done(r)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Kubernetes object, a List, or a meshsurface snapshot")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut head = Map::new();
        let mut staged = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "items" && staged.is_none() {
                let seed = ItemsSeed {
                    staged: self.reader.staging(),
                    name: self.name,
                    doc: &self.doc,
                    meter: &self.meter,
                };
                match map.next_value_seed(seed)? {
                    Items::Staged(s) => staged = Some(*s),
                    Items::Value(v) => {
                        head.insert(key, v);
                    }
                }
                self.meter.start_object();
            } else {
                let v: Value = map.next_value()?;
                head.insert(key, v);
            }
        }
        let r = self.reader.top_map(self.name, &self.doc, head, staged);
        self.done(r)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut j = 0;
        loop {
            self.meter.start_object();
            let Some(item) = seq.next_element::<Value>()? else {
                break;
            };
            j += 1;
            let label = format!("{} item {j}", self.doc);
            let r = self.reader.item(self.name, &label, item);
            if let Err(e) = r {
                self.reader.failed = Some(e);
                return Err(A::Error::custom(STOPPED));
            }
        }
        Ok(())
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        self.scalar(Value::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        self.scalar(Value::from(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.scalar(Value::from(v))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        self.scalar(Value::from(v))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.scalar(Value::from(v))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// What a top-level `items` held: a sequence (staged item by item) or anything else.
enum Items {
    Staged(Box<Staged>),
    Value(Value),
}

struct ItemsSeed<'a> {
    staged: Staged,
    name: &'a str,
    doc: &'a str,
    meter: &'a Meter,
}

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = Items;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Items, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = Items;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Items, A::Error> {
        let mut j = 0;
        loop {
            self.meter.start_object();
            let Some(item) = seq.next_element::<Value>()? else {
                break;
            };
            j += 1;
            // After the first bad item the rest are only parsed: the error is raised if
            // (and only if) the document turns out to be a List.
            if self.staged.error.is_none() {
                let label = format!("{} item {j}", self.doc);
                if let Err(e) = value(&mut self.staged.t, self.name, &label, item) {
                    self.staged.error = Some(e);
                }
            }
        }
        Ok(Items::Staged(Box::new(self.staged)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Items, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Items::Value)
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Items, E> {
        Ok(Items::Value(Value::Bool(v)))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Items, E> {
        Ok(Items::Value(Value::from(v)))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Items, E> {
        Ok(Items::Value(Value::from(v)))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Items, E> {
        Ok(Items::Value(Value::from(v)))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Items, E> {
        Ok(Items::Value(Value::from(v)))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Items, E> {
        Ok(Items::Value(Value::Null))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Items, E> {
        Ok(Items::Value(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Items, D::Error> {
        d.deserialize_any(self)
    }
}
