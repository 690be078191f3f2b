//! Layering of the log and metric families into `model::DeclaredFamilies`.
//! A family's list is taken whole from the most specific layer that
//! mentions it: the project's own (or the `select` entry's), else the last
//! template in `use` order that has one, else `defaults`. Entries of two
//! layers are never mixed, since an entry has no name to merge by.
//! `log_integrations: []` there means none; a family no layer mentions is
//! `None`, not managed. `push_based_log_export: absent` holds wherever a
//! layer says it: it has no other value.

use super::raw::{RawFamilies, RawFamilyEntry};
use crate::model::{DeclaredFamilies, Entry, EntryValue, Family};

/// `layers` from the least specific (`defaults`) to the most (the
/// project's own).
pub fn layer_families(layers: &[&RawFamilies]) -> DeclaredFamilies {
    let mut declared = DeclaredFamilies::default();
    for family in Family::ALL {
        *declared.entries_mut(family) = layers
            .iter()
            .rev()
            .find_map(|layer| layer.list(family))
            .map(|list| list.iter().map(entry).collect());
    }
    declared.push_based_absent = layers.iter().any(|layer| layer.push_based_absent.is_some());
    declared
}

/// The entry with its fields in the table's order, whatever order the file
/// used, and the only value of a field left out (`authType: HEADER`), so
/// that writing it or not declares the same entry.
fn entry(raw: &RawFamilyEntry) -> Entry {
    let fields = raw
        .kind
        .fields()
        .iter()
        .filter_map(|field| {
            let value = match raw.get(field.name) {
                Some(written) => written.value.clone(),
                None => EntryValue::Text(field.only_value?.to_owned()),
            };
            Some((field, value))
        })
        .collect();
    Entry {
        kind: raw.kind,
        id: raw.id.as_ref().map(|id| id.value.clone()),
        fields,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use crate::config::{Unset, load_str};
    use crate::model::{DeclaredFamilies, EntryKind, EntryValue, Family};

    const S3_A: &str = "
      - type: S3_LOG_EXPORT
        bucketName: a
        prefixPath: p/
        iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa
        logTypes: [MONGOD]";
    const S3_B: &str = "
      - type: S3_LOG_EXPORT
        bucketName: b
        prefixPath: p/
        iamRoleId: 65f1a2b3c4d5e6f7a8b9c0aa
        logTypes: [MONGOD]";
    const METRIC: &str = "
      - endpoint: https://otlp.example.com
        providerType: CUSTOM
        aggregationTemporality: DELTA
        metricSelection: [MONGODB_METRICS]";

    /// The families of each project and selector, in file order.
    fn families(text: &str) -> Vec<DeclaredFamilies> {
        let env = HashMap::from([("TOKEN".to_owned(), "t0ken".to_owned())]);
        let loaded = load_str("t.yaml", text, (&env, Unset::Error)).unwrap_or_else(|reports| {
            panic!("{}", reports.render(false));
        });
        let desired = loaded.desired;
        desired
            .projects
            .into_iter()
            .map(|p| p.families)
            .chain(desired.selectors.into_iter().map(|s| s.families))
            .collect()
    }

    /// The buckets of the log entries, `None` where the family is not
    /// managed.
    fn buckets(declared: &DeclaredFamilies) -> Option<Vec<String>> {
        declared.log.as_ref().map(|entries| {
            entries
                .iter()
                .map(|entry| match entry.get("bucketName") {
                    Some(EntryValue::Text(bucket)) => bucket.clone(),
                    other => panic!("{other:?}"),
                })
                .collect()
        })
    }

    #[test]
    fn the_most_specific_layer_that_mentions_a_family_gives_its_whole_list() {
        let text = format!(
            "version: 1
defaults:
  log_integrations:{S3_A}
  metric_integrations:{METRIC}
templates:
  first:
    log_integrations:{S3_B}
  second:
    log_integrations:{S3_A}{S3_B}
  unrelated:
    PAGER_DUTY: absent
projects:
  - id: 5f1e3b2c9d8e7f6a5b4c3d01
  - id: 5f1e3b2c9d8e7f6a5b4c3d02
    use: [first, unrelated]
  - id: 5f1e3b2c9d8e7f6a5b4c3d03
    use: [second, first]
  - id: 5f1e3b2c9d8e7f6a5b4c3d04
    use: [first]
    log_integrations: []
  - select:
      org: 6600000000000000000000aa
    use: [second]
    metric_integrations: []
"
        );
        let all = families(&text);
        let logs: Vec<Option<Vec<String>>> = all.iter().map(buckets).collect();
        let some = |names: &[&str]| Some(names.iter().map(|n| (*n).to_owned()).collect());
        assert_eq!(
            logs,
            [
                some(&["a"]),
                some(&["b"]),
                some(&["b"]),
                some(&[]),
                some(&["a", "b"])
            ]
        );
        let metrics: Vec<usize> = all
            .iter()
            .map(|declared| declared.metric.as_ref().map_or(99, Vec::len))
            .collect();
        assert_eq!(metrics, [1, 1, 1, 1, 0], "defaults, or the selector's `[]`");
    }

    #[test]
    fn a_family_no_layer_mentions_is_not_managed() {
        let text = format!(
            "version: 1
templates:
  logs:
    log_integrations:{S3_A}
projects:
  - id: 5f1e3b2c9d8e7f6a5b4c3d01
    integrations:
      PAGER_DUTY: absent
  - id: 5f1e3b2c9d8e7f6a5b4c3d02
    use: [logs]
"
        );
        let all = families(&text);
        assert!(all[0].is_empty());
        assert!(all[1].metric.is_none() && !all[1].push_based_absent);
        assert_eq!(buckets(&all[1]), Some(vec!["a".to_owned()]));
    }

    #[test]
    fn push_based_absent_holds_wherever_a_layer_says_it() {
        let text = "version: 1
templates:
  migrate:
    push_based_log_export: absent
defaults:
  mode: additive
projects:
  - id: 5f1e3b2c9d8e7f6a5b4c3d01
    use: [migrate]
    log_integrations: []
  - id: 5f1e3b2c9d8e7f6a5b4c3d02
  - id: 5f1e3b2c9d8e7f6a5b4c3d03
    push_based_log_export: absent
";
        let absent: Vec<bool> = families(text)
            .iter()
            .map(|declared| declared.push_based_absent)
            .collect();
        assert_eq!(absent, [true, false, true]);
    }

    #[test]
    fn entries_hold_their_fields_in_the_table_order_with_only_values_filled_in() {
        let text = "version: 1
projects:
  - id: 5f1e3b2c9d8e7f6a5b4c3d01
    metric_integrations:
      - metricSelection: [HARDWARE_METRICS, MONGODB_METRICS]
        headers:
          - name: Authorization
            value: Api-Token ${TOKEN}
        aggregationTemporality: CUMULATIVE
        providerType: DYNATRACE
        endpoint: https://abc.live.dynatrace.com/api/v2/otlp
        id: 65f1a2b3c4d5e6f7a8b9c0ff
";
        let declared = families(text).remove(0);
        let entry = &declared.entries(Family::Metric).unwrap()[0];
        assert_eq!(entry.kind, EntryKind::Metric);
        assert_eq!(entry.id.as_deref(), Some("65f1a2b3c4d5e6f7a8b9c0ff"));
        let names: Vec<&str> = entry.fields.iter().map(|(field, _)| field.name).collect();
        let table: Vec<&str> = EntryKind::Metric.fields().iter().map(|f| f.name).collect();
        assert_eq!(names, table);
        assert_eq!(
            entry.get("authType"),
            Some(&EntryValue::Text("HEADER".to_owned()))
        );
        assert_eq!(
            entry.get("metricSelection"),
            Some(&EntryValue::Set(vec![
                "HARDWARE_METRICS".to_owned(),
                "MONGODB_METRICS".to_owned()
            ]))
        );
        let Some(EntryValue::Headers(headers)) = entry.get("headers") else {
            panic!("headers");
        };
        assert_eq!(headers[0].name, "Authorization");
        assert_eq!(headers[0].value.expose(), "Api-Token t0ken");
    }
}
