//! What `mou report page` shows, read from the store: public partners in key order, each with
//! its public engagements (not cancelled), latest first. A helper of the report command.

use std::collections::HashMap;

use crate::dates::{iso, Date};
use crate::error::Result;
use crate::milestone::Lang;
use crate::query::{Cond, Filter};
use crate::report::page::{name_in, PublicEngagement, PublicPage, PublicPartner};
use crate::store::Backend;

pub fn public_page(store: &dyn Backend, as_of: Date, lang: Lang) -> Result<PublicPage> {
    let all = Filter::new(as_of);
    let mut partners: Vec<PublicPartner> = Vec::new();
    store.scan_partners(&all, &mut |p| {
        if p.public {
            partners.push(PublicPartner {
                key: p.key.clone(),
                name: name_in(&p, lang).to_string(),
                category: p.category,
                country: p.country.clone(),
                engagements: Vec::new(),
            });
        }
        Ok(())
    })?;
    let index: HashMap<String, usize> = partners
        .iter()
        .enumerate()
        .map(|(i, p)| (p.key.clone(), i))
        .collect();
    let mut engagements = Vec::new();
    let mut public = Filter::new(as_of);
    public.push(Cond::Public(true));
    store.scan_engagements(&public, &mut |e, _| {
        if e.public && !e.cancelled {
            engagements.push(e);
        }
        Ok(())
    })?;
    engagements.sort_by(|a, b| (b.starts_on, &b.reference).cmp(&(a.starts_on, &a.reference)));
    let mut others = Vec::new();
    for e in engagements {
        let named: Vec<(String, String)> = e
            .partners
            .iter()
            .filter_map(|k| index.get(k).map(|i| (k.clone(), partners[*i].name.clone())))
            .collect();
        let shown = PublicEngagement {
            reference: e.reference.clone(),
            title: e.title.clone(),
            starts_on: iso(e.starts_on),
            ends_on: iso(e.ends_on),
            place: e.place.clone(),
            sdgs: e.sdgs.clone(),
            unnamed: e.partners.len() - named.len(),
            partners: named,
        };
        if shown.partners.is_empty() {
            others.push(shown);
            continue;
        }
        for (k, _) in &shown.partners {
            if let Some(i) = index.get(k) {
                partners[*i].engagements.push(shown.clone());
            }
        }
    }
    let summary = super::summary::summary_report(store, &all, &[lang])?;
    let kinds = summary
        .summary
        .partners_by_category
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(c, _)| *c)
        .collect();
    let milestones = summary
        .milestone
        .into_iter()
        .chain(summary.engagement_milestone)
        .map(|(_, text)| text)
        .collect();
    Ok(PublicPage {
        lang: lang.key(),
        as_of: iso(as_of),
        milestones,
        kinds,
        partners,
        other_engagements: others,
    })
}
