//! A structure-aware mutation for JSON inputs: edit the parsed tree (drop, empty, retype,
//! duplicate or splice one node) and write it back.
//!
//! libFuzzer's byte mutations almost always break JSON, so they seldom make small, valid edits
//! deep inside an envelope, such as emptying one `errors` list. Tree edits do exactly that;
//! the target alternates them with the byte mutations, which keep exploring the non-JSON side.

use serde_json::{Value, json};

/// Small xorshift generator seeded by libFuzzer, so a mutation can be replayed.
pub struct Rng(u64);

impl Rng {
    /// A generator from libFuzzer's seed (never zero: xorshift would stay at zero).
    pub fn new(seed: u32) -> Self {
        Self(u64::from(seed) | 0x9e37_79b9_0000_0000)
    }

    /// A value in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }
}

/// Values Meta's payloads turn on: empties, wrong types, timestamps, ids and enum words.
fn replacement(rng: &mut Rng) -> Value {
    let choices = [
        Value::Null,
        json!([]),
        json!({}),
        json!(""),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(true),
        json!(1e300),
        json!("1767225600"),
        json!(1_767_225_600),
        json!("wamid.X"),
        json!("text"),
        json!("failed"),
        json!("messages"),
        json!("\u{1f44d}"),
        json!([{"code": 131026}]),
    ];
    choices[rng.below(choices.len())].clone()
}

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count).sum(),
        Value::Object(o) => o.values().map(count).sum(),
        _ => 0,
    }
}

/// Applies one tree edit to `root`; false if the tree offered nothing to edit.
pub fn mutate(root: &mut Value, rng: &mut Rng) -> bool {
    let donor = {
        let n = rng.below(count(root));
        node(root, n).cloned()
    };
    let target = rng.below(count(root));
    let Some(node) = node_mut(root, target) else {
        return false;
    };
    match rng.below(5) {
        // Drop one element or key.
        0 => match node {
            Value::Array(a) if !a.is_empty() => {
                a.remove(rng.below(a.len()));
            }
            Value::Object(o) if !o.is_empty() => {
                let key = o
                    .keys()
                    .nth(rng.below(o.len()))
                    .cloned()
                    .unwrap_or_default();
                o.remove(&key);
            }
            other => *other = replacement(rng),
        },
        // Duplicate one element (a replayed piece inside one delivery).
        1 => match node {
            Value::Array(a) if !a.is_empty() => {
                let copy = a[rng.below(a.len())].clone();
                a.insert(rng.below(a.len() + 1), copy);
            }
            other => *other = replacement(rng),
        },
        // Splice in a copy of another node of the same input.
        2 => *node = donor.unwrap_or(Value::Null),
        // Retype or empty it.
        _ => *node = replacement(rng),
    }
    true
}

/// The `n`th node in pre-order (0 is the root), if the tree has that many.
fn node(v: &Value, n: usize) -> Option<&Value> {
    let mut left = n;
    find(v, &mut left)
}

fn find<'a>(v: &'a Value, left: &mut usize) -> Option<&'a Value> {
    if *left == 0 {
        return Some(v);
    }
    *left -= 1;
    let children: Box<dyn Iterator<Item = &Value>> = match v {
        Value::Array(a) => Box::new(a.iter()),
        Value::Object(o) => Box::new(o.values()),
        _ => return None,
    };
    for child in children {
        let size = count(child);
        if *left < size {
            return find(child, left);
        }
        *left -= size;
    }
    None
}

fn node_mut(v: &mut Value, n: usize) -> Option<&mut Value> {
    if n == 0 {
        return Some(v);
    }
    let mut left = n - 1;
    let children: Box<dyn Iterator<Item = &mut Value>> = match v {
        Value::Array(a) => Box::new(a.iter_mut()),
        Value::Object(o) => Box::new(o.values_mut()),
        _ => return None,
    };
    for child in children {
        let size = count(child);
        if left < size {
            return node_mut(child, left);
        }
        left -= size;
    }
    None
}
