//! test/vectors/cases.json: the logical envelopes every producer encodes
//! (format in test/vectors/README.md). Each envelope is in the JSON mapping,
//! so it is read with this crate's JSON reader.

use std::path::{Path, PathBuf};

use crate::cbor::sorted_as_deterministic;
use crate::codec::Variant;
use crate::json;
use crate::limits::{Budget, Limits};
use crate::model::{Contract, Envelope};
use crate::validate::validate;

/// One case of cases.json.
#[derive(Clone, Debug)]
pub struct Case {
    /// `group/name`; forward cases are named `forward/…`.
    pub name: String,
    pub description: String,
    pub envelope: Envelope,
    /// From the `"forward"` list: encoded with the next-minor contract.
    pub forward: bool,
    /// `"frame": {"contentChecksum": true}`.
    pub content_checksum: bool,
}

impl Case {
    /// The contract the case is encoded with.
    pub fn contract(&self) -> Contract {
        if self.forward {
            Contract::Next
        } else {
            Contract::V1
        }
    }

    /// The envelope a reader gets back from `variant`, read with `contract`:
    /// the deterministic CBOR profile sorts maps, and the v1 contract drops the next-minor fields.
    pub fn expected(&self, variant: Variant, contract: Contract) -> Envelope {
        let env = match contract {
            Contract::V1 => self.envelope.as_v1(),
            Contract::Next => self.envelope.clone(),
        };
        match variant {
            Variant::CborDet => sorted_as_deterministic(&env),
            _ => env,
        }
    }

    /// The case name as a file-name stem: `/` becomes `__`.
    pub fn file_stem(&self) -> String {
        self.name.replace('/', "__")
    }
}

/// test/vectors/cases.json, found from this package's directory (not from the working directory).
pub fn default_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/cases.json")
}

fn is_case_name(name: &str) -> bool {
    let mut parts = name.split('/');
    let ok = |p: Option<&str>| {
        p.is_some_and(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
    };
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

/// Reads and checks every case: names well-formed and unique, envelopes valid.
pub fn load(path: &Path) -> Result<Vec<Case>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc =
        json::parse(&bytes, &Limits::default()).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut cases = Vec::new();
    for (list, forward) in [("cases", false), ("forward", true)] {
        let Some(items) = doc.get(list) else {
            if forward {
                continue;
            }
            return Err(format!("{}: no \"cases\" list", path.display()));
        };
        let items = items
            .as_array()
            .ok_or_else(|| format!("{}: \"{list}\" is not a list", path.display()))?;
        for item in items {
            let name = item
                .get("name")
                .and_then(|n| n.as_str())
                .ok_or_else(|| format!("{}: a case without a name", path.display()))?
                .to_string();
            if !is_case_name(&name) {
                return Err(format!("case name {name:?} is not lowercase group/name"));
            }
            if cases.iter().any(|c: &Case| c.name == name) {
                return Err(format!("case {name} appears twice"));
            }
            let description = item
                .get("description")
                .and_then(|d| d.as_str())
                .unwrap_or_default()
                .to_string();
            let contract = if forward {
                Contract::Next
            } else {
                Contract::V1
            };
            let envelope_json = item
                .get("envelope")
                .ok_or_else(|| format!("case {name} has no envelope"))?;
            let mut budget = Budget::new(Limits::default());
            let envelope = json::envelope_from_json(envelope_json, contract, &mut budget)
                .map_err(|e| format!("case {name}: {e}"))?;
            validate(&envelope, &Limits::default()).map_err(|e| format!("case {name}: {e}"))?;
            let content_checksum = item
                .get("frame")
                .and_then(|f| f.get("contentChecksum"))
                .and_then(|c| c.as_bool())
                .unwrap_or(false);
            cases.push(Case {
                name,
                description,
                envelope,
                forward,
                content_checksum,
            });
        }
    }
    Ok(cases)
}
