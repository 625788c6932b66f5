//! What a calendar holds for each record: pure, from a record to its events. The events of
//! an agreement are its expiry date and its notice date (the last day to give notice of
//! non-renewal), each all-day, with a UID made of the ref alone so that every export names
//! the same event the same way and a calendar that subscribes updates it in place.

use std::collections::HashMap;

use crate::dates::{iso, Date};
use crate::model::{Agreement, Engagement, Status};
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

/// The event of one engagement: all day from its first day through its last (DTEND is the
/// day after), UID `<ref>@mou`, LOCATION its place, and STATUS:CANCELLED when called off.
pub fn engagement_event(e: &Engagement, o: &CalendarOptions) -> Event {
    let partners: Vec<&str> = e
        .partners
        .iter()
        .map(|k| o.names.get(k).map_or(k.as_str(), String::as_str))
        .collect();
    let mut facts = vec![format!(
        "{} {} with {}.",
        e.kind,
        e.reference,
        partners.join("; ")
    )];
    facts.push(if e.ends_on == e.starts_on {
        format!("On {}.", iso(e.starts_on))
    } else {
        format!("From {} to {}.", iso(e.starts_on), iso(e.ends_on))
    });
    if let Some(a) = &e.agreement {
        facts.push(format!("Held under {a}."));
    }
    if let Some(s) = &e.part_of {
        facts.push(format!("Part of {s}."));
    }
    if e.cancelled {
        facts.push("Cancelled.".to_string());
    }
    Event {
        uid: format!("{}@mou", e.reference),
        start: e.starts_on,
        end: e.ends_on.succ_opt().unwrap_or(e.ends_on),
        summary: format!("{} ({})", e.title, partners.join(", ")),
        description: Some(facts.join("\n")),
        location: e.place.clone(),
        cancelled: e.cancelled,
        alarm_days: o.remind_days,
    }
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

    #[test]
    fn an_engagement_is_one_event_through_its_last_day() {
        let names: HashMap<String, String> = [("unicef".to_string(), "UNICEF".to_string())]
            .into_iter()
            .collect();
        let o = CalendarOptions {
            names: &names,
            remind_days: None,
        };
        let e = Engagement {
            id: 1,
            reference: "ENG-2016-001".into(),
            kind: crate::model::EngagementKind::Meeting,
            title: "Expert meeting".into(),
            partners: vec!["unicef".into()],
            starts_on: parse_stored("2016-02-03").unwrap(),
            ends_on: parse_stored("2016-02-04").unwrap(),
            place: Some("Vienna".into()),
            country: None,
            agreement: None,
            part_of: None,
            sdgs: vec![],
            tags: vec![],
            participants: None,
            outcome: None,
            notes: None,
            document: None,
            cancelled: true,
            public: false,
            created_at: String::new(),
            updated_at: String::new(),
        };
        let ev = engagement_event(&e, &o);
        assert_eq!(ev.uid, "ENG-2016-001@mou");
        assert_eq!(
            (iso(ev.start), iso(ev.end)),
            ("2016-02-03".into(), "2016-02-05".into())
        );
        assert_eq!(ev.summary, "Expert meeting (UNICEF)");
        assert_eq!(ev.location.as_deref(), Some("Vienna"));
        assert!(ev.cancelled);
    }
}
