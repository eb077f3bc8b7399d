//! "我的" — `/me` on the desktop site, `/m/me` on the handheld version. Signed out:
//! sign-in with the mobile number and a code sent by text message, in two plain
//! forms (number, then code) that work without JavaScript. Signed in: my cases,
//! cases filed earlier with the same number to claim, unfinished applications (to
//! continue on this device), my licences and my messages.

use crate::api::account::{AccountCase, AccountPage, AccountView, ClaimCase, SendSignInCode, SignInWithCode, SignOut, load_account};
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::components::code_fields::{CodeProblems, MobileField, OneTimeCodeField};
use crate::ui::components::error_summary::ErrorSummary;
use crate::ui::shell::{Shell, shell_path};
use crate::ui::{I18n, lang, load_page, page_data, standing_label, status_label};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// What the address says about the last form sent.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Asked {
    phone: String,
    sent: bool,
    error: String,
    wait: String,
    left: String,
    claimed: String,
    handheld: bool,
}

#[component]
pub fn MePage() -> impl IntoView {
    let query = use_query_map();
    let handheld = Shell::current() == Shell::Handheld;
    let data = page_data(
        move || {
            let q = query.read();
            Asked {
                phone: q.get("phone").unwrap_or_default(),
                sent: q.get("sent").is_some(),
                error: q.get("error").unwrap_or_default(),
                wait: q.get("wait").unwrap_or_default(),
                left: q.get("left").unwrap_or_default(),
                claimed: q.get("claimed").unwrap_or_default(),
                handheld,
            }
        },
        |asked| async move { Ok((asked, load_account().await?)) },
    );
    load_page(data, me_view)
}

fn back(asked: &Asked) -> &'static str {
    if asked.handheld { "/m/me" } else { "/me" }
}

fn me_view((asked, page): (Asked, AccountPage)) -> impl IntoView {
    let i18n = use_i18n();
    let title = t_string!(i18n, me.title).to_string();
    let body = match page {
        AccountPage::SignedOut { demo } => sign_in_view(i18n, &asked, demo).into_any(),
        AccountPage::SignedIn(account) => account_view(i18n, &asked, account).into_any(),
    };
    view! {
        <Title text=format!("{title} - {}", t_string!(i18n, site.name))/>
        <h1 class="page-title">{title}</h1>
        {body}
        {asked.handheld.then(|| view! {
            <ul class="menu-list card mb-6">
                <li><a href="/m/track">{t_string!(i18n, me.track).to_string()}</a></li>
                <li><a href="tel:12345">{t_string!(i18n, me.hotline).to_string()}</a></li>
                <li><a href="/me">{t_string!(i18n, me.desktop).to_string()}</a></li>
            </ul>
        })}
        <p class="text-slate-700">{t_string!(i18n, me.note).to_string()}</p>
    }
}

fn sign_in_view(i18n: I18n, asked: &Asked, demo: bool) -> impl IntoView {
    let CodeProblems { phone_error, code_error, problems } = CodeProblems::from_address(i18n, &asked.error, &asked.wait, &asked.left);
    let back = back(asked);
    // The code form only once a code went out to a number that parses.
    let code_step = asked.sent && crate::domain::ids::MobilePhone::parse(&asked.phone).is_ok();
    let masked = crate::domain::ids::MobilePhone::parse(&asked.phone).map(|p| p.masked()).unwrap_or_default();
    view! {
        <section class="card mb-6" aria-labelledby="sign-in-title">
            <h2 id="sign-in-title" class="mb-2 text-xl font-semibold">{t_string!(i18n, account.sign_in_title).to_string()}</h2>
            <p class="mb-4">{t_string!(i18n, account.sign_in_intro).to_string()}</p>
            <ErrorSummary title=t_string!(i18n, account.error_title).to_string() problems=problems/>
            <form method="post" action=SendSignInCode::PATH class="mb-4" novalidate>
                <input type="hidden" name="back" value=back/>
                <MobileField label=t_string!(i18n, account.phone).to_string() hint=t_string!(i18n, account.phone_hint).to_string()
                    value=asked.phone.clone() error=phone_error.clone() own=true/>
                <button type="submit" class={if code_step { "btn-secondary" } else { "btn-primary" }}>
                    {if code_step { t_string!(i18n, account.resend).to_string() } else { t_string!(i18n, account.send_code).to_string() }}
                </button>
            </form>
            {code_step.then(|| view! {
                <p class="success" role="status" data-testid="code-sent">{fill_template(&t_string!(i18n, account.code_sent).to_string(), &[("phone", masked.clone())])}</p>
                <form method="post" action=SignInWithCode::PATH novalidate>
                    <input type="hidden" name="back" value=back/>
                    <input type="hidden" name="phone" value=asked.phone.clone()/>
                    <OneTimeCodeField label=t_string!(i18n, account.code).to_string() hint=t_string!(i18n, account.code_hint).to_string()
                        error=code_error.clone() own=true/>
                    <button type="submit" class="btn-primary">{t_string!(i18n, account.sign_in).to_string()}</button>
                </form>
            })}
            {demo.then(|| view! {
                <p class="notice mt-4" data-testid="demo-codes">
                    {t_string!(i18n, account.demo_note).to_string()}" "
                    <a class="link" href="/demo/messages">{t_string!(i18n, account.demo_box).to_string()}</a>
                </p>
            })}
        </section>
    }
}

/// What one case line says: the service (a link when `href` is given), its status,
/// the tracking number and when it was sent, and who filed it by proxy. The proxy
/// agent's page lists the cases they filed the same way.
pub fn case_summary(i18n: I18n, c: &AccountCase, href: Option<String>) -> impl IntoView + use<> {
    let name = c.service_name.get(lang()).to_owned();
    view! {
        {match href {
            Some(href) => view! { <a class="link font-semibold" href=href>{name}</a> }.into_any(),
            None => view! { <span class="font-semibold">{name}</span> }.into_any(),
        }}
        " "<span class="badge">{status_label(i18n, c.status)}</span>
        <br/>
        <span class="font-mono text-sm">{c.tracking_number.clone()}</span>
        <span class="text-sm text-slate-700">" · "{fill_template(&t_string!(i18n, account.submitted_on).to_string(), &[("time", c.submitted_at.clone())])}</span>
        {c.proxy_agent.clone().map(|a| view! { <br/><span class="text-sm text-slate-700">{fill_template(&t_string!(i18n, account.filed_by_proxy).to_string(), &[("agent", a)])}</span> })}
    }
}

fn case_list(i18n: I18n, cases: Vec<AccountCase>, testid: &'static str) -> impl IntoView {
    view! {
        <ul class="space-y-3" data-testid=testid>
            {cases.iter().map(|c| {
                let href = shell_path(&format!("/track?number={}&mine=1", c.tracking_plain));
                view! { <li class="account-line">{case_summary(i18n, c, Some(href))}</li> }
            }).collect_view()}
        </ul>
    }
}

fn account_view(i18n: I18n, asked: &Asked, a: AccountView) -> impl IntoView {
    let lang = lang();
    let back = back(asked);
    let claimable = a.claimable.clone();
    view! {
        <div class="mb-6 flex flex-wrap items-center justify-between gap-3">
            <p data-testid="signed-in-as">{fill_template(&t_string!(i18n, account.signed_in_as).to_string(), &[("phone", a.phone_masked.clone())])}</p>
            <form method="post" action=SignOut::PATH>
                <input type="hidden" name="back" value=back/>
                <button type="submit" class="btn-secondary">{t_string!(i18n, account.sign_out).to_string()}</button>
            </form>
        </div>
        {crate::domain::ids::TrackingNumber::parse(&asked.claimed).ok().map(|number| view! {
            <p class="success mb-4" role="status">{fill_template(&t_string!(i18n, account.claimed).to_string(), &[("tracking", number.to_string())])}</p>
        })}
        {(!a.offers.is_empty()).then(|| {
            view! {
                <section class="card mb-6" aria-labelledby="offers-title" data-testid="offers">
                    <h2 id="offers-title" class="mb-2 text-xl font-semibold">{t_string!(i18n, account.offers_title).to_string()}</h2>
                    <p class="mb-3">{t_string!(i18n, account.offers_intro).to_string()}</p>
                    <ul class="space-y-4">
                        {a.offers.iter().map(|o| view! {
                            <li class="account-line">
                                <p class="mb-2">{o.message.get(lang).to_owned()}</p>
                                <ul class="space-y-1">
                                    {o.items.iter().map(|(code, name)| view! {
                                        <li>
                                            <a class="link font-semibold" href=shell_path(&format!("/services/{code}"))>
                                                {fill_template(&t_string!(i18n, account.offer_apply).to_string(), &[("service", name.get(lang).to_owned())])}
                                            </a>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            }
        })}
        <section id="my-cases" class="card mb-6" aria-labelledby="my-cases-title">
            <h2 id="my-cases-title" class="mb-3 text-xl font-semibold">{t_string!(i18n, account.my_cases).to_string()}</h2>
            {if a.cases.is_empty() {
                view! { <p>{t_string!(i18n, account.no_cases).to_string()}</p> }.into_any()
            } else {
                case_list(i18n, a.cases, "my-cases").into_any()
            }}
        </section>
        {(!claimable.is_empty()).then(|| view! {
            <section class="card mb-6" aria-labelledby="claim-title">
                <h2 id="claim-title" class="mb-2 text-xl font-semibold">{t_string!(i18n, account.claimable_title).to_string()}</h2>
                <p class="mb-3">{fill_template(&t_string!(i18n, account.claimable_intro).to_string(), &[("phone", a.phone_masked.clone())])}</p>
                <ul class="space-y-3" data-testid="claimable">
                    {claimable.into_iter().map(|c| view! {
                        <li class="account-line">
                            {case_summary(i18n, &c, None)}
                            <form method="post" action=ClaimCase::PATH class="mt-2">
                                <input type="hidden" name="tracking" value=c.tracking_plain.clone()/>
                                <input type="hidden" name="back" value=back/>
                                <button type="submit" class="btn-secondary"
                                    aria-label=format!("{} {}", t_string!(i18n, account.claim), c.tracking_number)>
                                    {t_string!(i18n, account.claim).to_string()}
                                </button>
                            </form>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!a.drafts.is_empty()).then(|| view! {
            <section class="card mb-6" aria-labelledby="drafts-title">
                <h2 id="drafts-title" class="mb-3 text-xl font-semibold">{t_string!(i18n, account.my_drafts).to_string()}</h2>
                <ul class="space-y-3" data-testid="my-drafts">
                    {a.drafts.iter().map(|d| view! {
                        <li class="account-line">
                            <a class="link font-semibold" href=d.continue_path.clone()>{fill_template(&t_string!(i18n, account.continue_draft).to_string(), &[("service", d.service_name.get(lang).to_owned())])}</a><br/>
                            <span class="text-sm text-slate-700">{fill_template(&t_string!(i18n, account.saved_at).to_string(), &[("time", d.updated_at.clone())])}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section class="card mb-6" aria-labelledby="licences-title">
            <h2 id="licences-title" class="mb-3 text-xl font-semibold">{t_string!(i18n, account.my_licences).to_string()}</h2>
            {if a.licences.is_empty() {
                view! { <p>{t_string!(i18n, account.no_licences).to_string()}</p> }.into_any()
            } else {
                view! {
                    <ul class="space-y-3" data-testid="my-licences">
                        {a.licences.iter().map(|l| view! {
                            <li class="account-line">
                                <span class="font-semibold">{l.name.get(lang).to_owned()}</span>" "
                                <span class="badge">{standing_label(i18n, l.standing)}</span><br/>
                                <span class="font-mono text-sm">{l.number.clone()}</span><br/>
                                <a class="link text-sm" href=format!("/verify/{}", l.verification_code)>{t_string!(i18n, account.view_licence).to_string()}</a>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card mb-6" aria-labelledby="messages-title">
            <h2 id="messages-title" class="mb-3 text-xl font-semibold">{t_string!(i18n, account.my_messages).to_string()}</h2>
            {if a.messages.is_empty() {
                view! { <p>{t_string!(i18n, account.no_messages).to_string()}</p> }.into_any()
            } else {
                view! {
                    <ul class="space-y-2" data-testid="my-messages">
                        {a.messages.iter().map(|m| view! { <li><span class="text-sm text-slate-700">{m.at.clone()}</span><br/>{m.body.clone()}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
