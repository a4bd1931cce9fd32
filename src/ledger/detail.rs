//! A record's detail in → the `detail` column (JSON) and back: per field, the value recorded,
//! where it was read from and the raw text; notes such as why an attachment could not be read.
//! Staff read it (`check`, and the record as the ledger holds it); nothing branches on it.

use crate::extract::{Source, Unreadable};
use crate::validate::Fields;
use serde::{Deserialize, Serialize};

/// What the ledger keeps beside a record's columns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordDetail {
    /// Each field as read; `None` when no form was read (no form, or an unreadable one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<FieldDetails>,
    /// Why the record is as it is, in words staff read (an unreadable attachment's reason,
    /// the MIME problems of a message without a form).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Each flag's sentence (the record's notes, one by one), by flag code.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub flag_notes: std::collections::BTreeMap<String, String>,
    /// Why an attachment could not be read, typed (a reply decides by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<Unreadable>,
}

impl RecordDetail {
    /// A record's detail with these notes and no fields.
    pub fn notes(notes: Vec<String>) -> RecordDetail {
        RecordDetail {
            notes,
            ..RecordDetail::default()
        }
    }
}

/// Every field of the record, in the form's order. Read leniently (a field missing from a
/// stored detail reads as not read), as a reply reads what older versions stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldDetails {
    pub full_name: FieldDetail,
    pub organisation: FieldDetail,
    pub contact_email: FieldDetail,
    pub terms_accepted: FieldDetail,
    pub service: FieldDetail,
    pub ip_allowlist: FieldDetail,
    pub expected_records_per_day: FieldDetail,
    pub expected_api_calls_per_day: FieldDetail,
    pub user_guide_agreed: FieldDetail,
}

impl FieldDetails {
    /// The record's values as the ledger stores them (and SPEC writes them), with no source
    /// or raw text: the caller adds those it knows.
    pub fn values_of(fields: &Fields) -> FieldDetails {
        let value = |value: String| FieldDetail {
            value,
            ..FieldDetail::default()
        };
        let count = |n: Option<u64>| value(n.map(|n| n.to_string()).unwrap_or_default());
        FieldDetails {
            full_name: value(fields.full_name.clone()),
            organisation: value(fields.organisation.clone()),
            contact_email: value(fields.contact_email.clone()),
            terms_accepted: value(yes_no(fields.terms_accepted).to_string()),
            service: value(fields.service.map(|s| s.as_str()).unwrap_or("").to_string()),
            ip_allowlist: value(fields.ip_allowlist.clone()),
            expected_records_per_day: count(fields.expected_records_per_day),
            expected_api_calls_per_day: count(fields.expected_api_calls_per_day),
            user_guide_agreed: value(yes_no(fields.user_guide_agreed).to_string()),
        }
    }

    /// Each field with its name, in the form's order.
    pub fn named(&self) -> [(&'static str, &FieldDetail); 9] {
        [
            ("full_name", &self.full_name),
            ("organisation", &self.organisation),
            ("contact_email", &self.contact_email),
            ("terms_accepted", &self.terms_accepted),
            ("service", &self.service),
            ("ip_allowlist", &self.ip_allowlist),
            ("expected_records_per_day", &self.expected_records_per_day),
            (
                "expected_api_calls_per_day",
                &self.expected_api_calls_per_day,
            ),
            ("user_guide_agreed", &self.user_guide_agreed),
        ]
    }
}

/// One field: the value recorded, and where it was read from (`None` when not read).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldDetail {
    pub value: String,
    pub source: Option<Source>,
    /// The text as written (several answers joined by ` | `).
    pub raw: Option<String>,
    /// The applicant's answer alone, without the question's words `raw` can hold (a reply
    /// quotes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// The page it was read from (1-based), when the document has pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Where on that page: `[x0, y0, x1, y1]` in points from the top-left corner (y down), to
    /// 0.1 point.
    #[serde(default, rename = "box", skip_serializing_if = "Option::is_none")]
    pub at: Option<[f64; 4]>,
}

impl FieldDetail {
    /// Notes where on the page the field was read from, when known.
    pub fn locate(&mut self, place: Option<crate::extract::Place>) {
        if let Some(p) = place {
            let r = |v: f32| (f64::from(v) * 10.0).round() / 10.0;
            self.page = Some(p.page);
            self.at = Some([r(p.x0), r(p.y0), r(p.x1), r(p.y1)]);
        }
    }
}

/// A yes/no field as stored and shown (empty when the form was not read).
pub(crate) use crate::validate::yes_no;

impl rusqlite::types::ToSql for RecordDetail {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        serde_json::to_string(self)
            .map(rusqlite::types::ToSqlOutput::from)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
    }
}

impl rusqlite::types::FromSql for RecordDetail {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        serde_json::from_str(value.as_str()?)
            .map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Service;

    #[test]
    fn detail_reads_back_as_it_was_written_and_as_it_was_stored_before() {
        let mut fields = FieldDetails::values_of(&Fields {
            full_name: "Dr Jane Citizen".into(),
            terms_accepted: Some(true),
            service: Some(Service::Partner),
            expected_records_per_day: Some(5000),
            ..Fields::default()
        });
        fields.full_name.source = Some(Source::PdfForm);
        fields.full_name.raw = Some("  Dr Jane  Citizen".into());
        let detail = RecordDetail {
            fields: Some(fields),
            notes: vec!["a note".into()],
            ..RecordDetail::default()
        };
        let json = serde_json::to_string(&detail).unwrap();
        assert_eq!(serde_json::from_str::<RecordDetail>(&json).unwrap(), detail);
        let f = detail.fields.as_ref().unwrap();
        assert_eq!(f.terms_accepted.value, "yes");
        assert_eq!(f.user_guide_agreed.value, "", "not read");
        assert_eq!(f.service.value, "partner");
        assert_eq!(f.expected_records_per_day.value, "5000");
        assert_eq!(f.expected_api_calls_per_day.value, "");
        // The shapes ledgers already hold: an empty object, notes only, fields with nulls.
        assert_eq!(
            serde_json::from_str::<RecordDetail>("{}").unwrap(),
            RecordDetail::default()
        );
        assert_eq!(
            serde_json::from_str::<RecordDetail>(r#"{"notes":["why"]}"#).unwrap(),
            RecordDetail::notes(vec!["why".into()])
        );
        let stored = serde_json::to_value(FieldDetails::default()).unwrap();
        assert_eq!(
            stored["service"],
            serde_json::json!({"value": "", "source": null, "raw": null})
        );
    }
}
