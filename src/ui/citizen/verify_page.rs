//! `/verify/{code}`: is this licence genuine, current or revoked? Public; shows no
//! more than the licence itself (the holder's name masked).

use crate::api::licences::{Verification, verify_licence};
use crate::i18n::*;
use crate::ui::{lang, load_page, page_data, standing_label};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn VerifyPage() -> impl IntoView {
    let params = use_params_map();
    let data = page_data(move || params.read().get("code").unwrap_or_default(), verify_licence);
    load_page(data, verify_view)
}

fn verify_view(v: Verification) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let title = t_string!(i18n, licence.verify_title).to_string();
    let body = match v {
        Verification::Unknown => view! {
            <p class="error-summary" role="alert" data-testid="verification">{t_string!(i18n, licence.unknown).to_string()}</p>
        }
        .into_any(),
        Verification::Genuine(l) => {
            let standing = standing_label(i18n, l.standing);
            let class = match l.standing {
                crate::domain::licence::Standing::Current => "success",
                _ => "error-summary",
            };
            view! {
                <p class=class role="status" data-testid="verification">{standing}</p>
                <dl class="facts card">
                    <dt>{t_string!(i18n, licence.name).to_string()}</dt><dd>{l.name.get(lang).to_owned()}</dd>
                    <dt>{t_string!(i18n, licence.number).to_string()}</dt><dd class="font-mono">{l.number}</dd>
                    <dt>{t_string!(i18n, licence.holder).to_string()}</dt><dd data-testid="licence-holder">{l.holder}</dd>
                    <dt>{t_string!(i18n, licence.department).to_string()}</dt><dd>{l.department.get(lang).to_owned()}</dd>
                    <dt>{t_string!(i18n, licence.issued_on).to_string()}</dt><dd>{l.issued_on}</dd>
                    <dt>{t_string!(i18n, licence.valid_until).to_string()}</dt><dd>{l.valid_until.unwrap_or_else(|| t_string!(i18n, licence.no_expiry).to_string())}</dd>
                    {(!l.revoked_reason.is_empty()).then(|| view! { <dt>{t_string!(i18n, licence.revoked_reason).to_string()}</dt><dd>{l.revoked_reason}</dd> })}
                </dl>
            }
            .into_any()
        }
    };
    view! {
        <Title text=title.clone()/>
        <h1 class="page-title">{title}</h1>
        <p class="mb-4">{t_string!(i18n, licence.verify_intro).to_string()}</p>
        {body}
    }
}
