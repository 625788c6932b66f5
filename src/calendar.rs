//! What a calendar holds for each record: pure, from a record to its events. The events of
//! an agreement are its expiry date and its notice date (the last day to give notice of
//! non-renewal), each all-day, with a UID made of the ref alone so that every export names
//! the same event the same way and a calendar that subscribes updates it in place.

use std::collections::HashMap;

use crate::dates::{iso, Date};
use crate::model::{Agreement, Status};
use crate::output::ics::Event;

/// What goes around the events of one export.
pub struct CalendarOptions<'a> {
    /// Display names by partner key (a key that is missing is shown as it is).
    pub names: &'a HashMap<String, String>,
    /// Days before each event that an alarm goes off.
    pub remind_days: Option<u32>,
}

/// Whether an agreement at `status` is in the calendar: what is still to come.
pub fn in_calendar(status: Status) -> bool {
    matches!(status, Status::Active | Status::Pending)
}

/// The events of one agreement: on its notice date (when it has a notice period), then on
/// its expiry date. An open-ended agreement has none.
pub fn agreement_events(a: &Agreement, o: &CalendarOptions) -> Vec<Event> {
    let Some(expires) = a.expires_on else {
        return Vec::new();
    };
    let parties: Vec<&str> = a
        .parties
        .iter()
        .map(|k| o.names.get(k).map_or(k.as_str(), String::as_str))
        .collect();
    let what = if a.title.trim().is_empty() {
        format!("{} ({})", a.reference, parties.join(", "))
    } else {
        format!("{} {} ({})", a.reference, a.title, parties.join(", "))
    };
    let kind = match a.kind {
        crate::model::Kind::Mou => "MoU",
        crate::model::Kind::Loi => "Letter of intent",
        _ => "Agreement",
    };
    let mut facts = vec![format!(
        "{kind} {} with {}.",
        a.reference,
        parties.join("; ")
    )];
    if let Some(s) = a.signed_on {
        facts.push(format!("Signed {}.", iso(s)));
    }
    facts.push(format!("Expires {}.", iso(expires)));
    let notice = a.notice_on();
    if let (Some(days), Some(n)) = (a.notice_days, notice) {
        facts.push(format!(
            "Notice of non-renewal: {days} days, by {}.",
            iso(n)
        ));
    }
    let description = Some(facts.join("\n"));
    let event = |uid: &str, day: Date, summary: String| Event {
        uid: format!("{}-{uid}@mou", a.reference),
        start: day,
        end: day.succ_opt().unwrap_or(day),
        summary,
        description: description.clone(),
        location: None,
        cancelled: false,
        alarm_days: o.remind_days,
    };
    let mut events = Vec::with_capacity(2);
    if let Some(n) = notice {
        events.push(event("notice", n, format!("Notice date: {what}")));
    }
    events.push(event("expires", expires, format!("Expires: {what}")));
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_stored;
    use crate::model::Kind;

    fn agreement(expires: Option<&str>, notice: Option<u32>) -> Agreement {
        Agreement {
            id: 1,
            reference: "MOU-2016-001".into(),
            kind: Kind::Mou,
            title: "Faith leaders".into(),
            parties: vec!["unicef".into(), "dic".into()],
            signed_on: parse_stored("2016-05-01").ok(),
            effective_on: parse_stored("2016-05-01").ok(),
            expires_on: expires.and_then(|e| parse_stored(e).ok()),
            terminated_on: None,
            termination_reason: None,
            notice_days: notice,
            renews: None,
            sdgs: vec![],
            tags: vec![],
            notes: None,
            document: None,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn notice_and_expiry_events() {
        let names: HashMap<String, String> = [("unicef".to_string(), "UNICEF".to_string())]
            .into_iter()
            .collect();
        let o = CalendarOptions {
            names: &names,
            remind_days: Some(14),
        };
        let ev = agreement_events(&agreement(Some("2019-04-30"), Some(90)), &o);
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].uid, "MOU-2016-001-notice@mou");
        assert_eq!(iso(ev[0].start), "2019-01-30");
        assert_eq!(ev[1].uid, "MOU-2016-001-expires@mou");
        assert_eq!(
            (iso(ev[1].start), iso(ev[1].end)),
            ("2019-04-30".into(), "2019-05-01".into())
        );
        assert_eq!(
            ev[1].summary,
            "Expires: MOU-2016-001 Faith leaders (UNICEF, dic)"
        );
        assert_eq!(ev[1].alarm_days, Some(14));
        assert!(agreement_events(&agreement(None, Some(90)), &o).is_empty());
        assert_eq!(
            agreement_events(&agreement(Some("2019-04-30"), None), &o).len(),
            1
        );
    }
}
