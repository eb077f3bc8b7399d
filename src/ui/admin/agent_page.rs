//! `/agent`: a proxy agent's page (代办). Start an application for a resident with
//! their consent (the resident tells the agent the code sent to their phone), and
//! the list of cases the agent filed. Two plain forms, no JavaScript needed: agents
//! work on whatever phone they have.

use crate::api::agent::{AgentView, SendConsentCode, StartForResident, load_agent};
use crate::api::staff::Logout;
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::citizen::me_page::case_summary;
use crate::ui::components::code_fields::{CodeProblems, MobileField, OneTimeCodeField};
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::{lang, load_page, page_data};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Asked {
    service: String,
    phone: String,
    sent: bool,
    error: String,
    wait: String,
    left: String,
}

#[component]
pub fn AgentPage() -> impl IntoView {
    let query = use_query_map();
    let data = page_data(
        move || {
            let q = query.read();
            Asked {
                service: q.get("service").unwrap_or_default(),
                phone: q.get("phone").unwrap_or_default(),
                sent: q.get("sent").is_some(),
                error: q.get("error").unwrap_or_default(),
                wait: q.get("wait").unwrap_or_default(),
                left: q.get("left").unwrap_or_default(),
            }
        },
        |asked| async move { Ok((asked, load_agent().await?)) },
    );
    load_page(data, agent_view)
}

fn agent_view((asked, v): (Asked, AgentView)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let title = t_string!(i18n, agent.title).to_string();
    let CodeProblems { phone_error, code_error, problems } = CodeProblems::from_address(i18n, &asked.error, &asked.wait, &asked.left);
    let resident = crate::domain::ids::MobilePhone::parse(&asked.phone).ok();
    let code_step = asked.sent && resident.is_some() && v.services.iter().any(|(c, _)| *c == asked.service);
    let service_name = v.services.iter().find(|(c, _)| *c == asked.service).map(|(_, n)| n.get(lang).to_owned()).unwrap_or_default();
    view! {
        <Title text=format!("{title} - {}", t_string!(i18n, site.name))/>
        <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
            <h1 class="page-title mb-0">{title}</h1>
            <form method="post" action=Logout::PATH>
                <button type="submit" class="btn-secondary">{t_string!(i18n, admin.sign_out).to_string()}</button>
            </form>
        </div>
        <p class="mb-6" data-testid="agent-name">{v.display_name.clone()}{v.site.as_ref().map(|s| format!(" · {}", s.get(lang)))}</p>
        <section class="card mb-6" aria-labelledby="file-title">
            <h2 id="file-title" class="mb-2 text-xl font-semibold">{t_string!(i18n, agent.file_title).to_string()}</h2>
            <p class="mb-4">{t_string!(i18n, agent.file_intro).to_string()}</p>
            <ErrorSummary title=t_string!(i18n, agent.error_title).to_string() problems=problems/>
            <form method="post" action=SendConsentCode::PATH class="mb-4" novalidate>
                <div class="field">
                    <label for="service" class="field-label">{t_string!(i18n, agent.service).to_string()}</label>
                    <select id="service" name="service" class="field-input" required>
                        {v.services.iter().map(|(code, name)| view! {
                            <option value=code.clone() selected=*code == asked.service>{name.get(lang).to_owned()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <MobileField label=t_string!(i18n, agent.resident_phone).to_string() hint=t_string!(i18n, agent.resident_phone_hint).to_string()
                    value=asked.phone.clone() error=phone_error.clone() own=false/>
                <button type="submit" class={if code_step { "btn-secondary" } else { "btn-primary" }}>
                    {if code_step { t_string!(i18n, account.resend).to_string() } else { t_string!(i18n, agent.send_code).to_string() }}
                </button>
            </form>
            {code_step.then(|| view! {
                <p class="success" role="status" data-testid="consent-sent">
                    {fill_template(&t_string!(i18n, agent.code_sent).to_string(), &[("phone", resident.as_ref().map(|p| p.masked()).unwrap_or_default()), ("service", service_name.clone())])}
                </p>
                <form method="post" action=StartForResident::PATH novalidate>
                    <input type="hidden" name="service" value=asked.service.clone()/>
                    <input type="hidden" name="phone" value=asked.phone.clone()/>
                    <OneTimeCodeField label=t_string!(i18n, agent.code).to_string() hint=t_string!(i18n, agent.code_hint).to_string()
                        error=code_error.clone() own=false/>
                    <button type="submit" class="btn-primary">{t_string!(i18n, agent.start).to_string()}</button>
                </form>
            })}
        </section>
        <section class="card mb-6" aria-labelledby="filed-title">
            <h2 id="filed-title" class="mb-3 text-xl font-semibold">{t_string!(i18n, agent.filed_title).to_string()}</h2>
            {if v.cases.is_empty() {
                view! { <p>{t_string!(i18n, agent.none_filed).to_string()}</p> }.into_any()
            } else {
                view! {
                    <ul class="space-y-3" data-testid="filed-cases">
                        {v.cases.iter().map(|c| view! { <li class="account-line">{case_summary(i18n, c, None)}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
