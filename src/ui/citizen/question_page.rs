//! `/m/services/{code}/apply?draft=…&q=N`: the answers step on the handheld
//! version, one question per screen. Each screen is the same form (and island) with one
//! field (the same browser check and messages as the desktop form); sending it
//! saves that answer into the draft and moves on (`domain::form::after_question`),
//! so going back never loses an answer. Works without JavaScript.

use crate::api::applications::{ApplicationView, load_application};
use crate::domain::text::fill_template;
use crate::i18n::*;
use crate::ui::citizen::answers_page::form_model;
use crate::ui::components::application_form::ApplicationForm;
use crate::ui::{lang, load_page, page_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Asked {
    question: usize,
    /// Sent back because this question's answer was not right.
    invalid: bool,
}

#[component]
pub fn QuestionPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = page_data(
        move || {
            let q = query.read();
            let asked = Asked { question: q.get("q").and_then(|n| n.parse().ok()).unwrap_or(1), invalid: q.get("invalid").is_some() };
            (params.read().get("code").unwrap_or_default(), q.get("draft"), asked)
        },
        |(code, draft, asked)| async move { Ok((asked, load_application(code, draft).await?)) },
    );
    load_page(data, question_view)
}

fn question_view((asked, v): (Asked, ApplicationView)) -> impl IntoView {
    let i18n = use_i18n();
    let lang = lang();
    let name = v.item.name.get(lang).to_owned();
    // Numbered among the questions that apply to the answers so far.
    let asked_questions = crate::domain::form::shown_questions(&v.item.form, &v.answers);
    let total = asked_questions.len();
    if !v.item.can_apply_online() || total == 0 {
        return view! {
            <Title text=name.clone()/>
            <h1 class="page-title">{name}</h1>
            <p class="notice">{t_string!(i18n, apply.not_online).to_string()}</p>
        }
        .into_any();
    }
    // A question that does not apply (a hand-made address, an answer changed
    // elsewhere) gives way to the next one that does.
    let n = asked_questions.iter().copied().find(|&q| q >= asked.question).unwrap_or(asked_questions[total - 1]);
    let position = asked_questions.iter().position(|&q| q == n).map_or(1, |p| p + 1);
    let field = &v.item.form.fields[n - 1];
    let label = field.label.get(lang).to_owned();
    let last = position == total;
    let submit = if last { t_string!(i18n, apply.save_and_continue).to_string() } else { t_string!(i18n, apply.next_question).to_string() };
    let model = form_model(i18n, crate::ui::citizen::answers_page::FormSource::application(&v), std::iter::once(field), asked.invalid, submit, vec![("question".to_owned(), n.to_string())]);
    let draft = v.draft_id.clone().map(|d| format!("draft={d}&")).unwrap_or_default();
    let (back_href, back_label) = if position > 1 {
        (format!("/m/services/{}/apply?{draft}q={}", v.item.code, asked_questions[position - 2]), t_string!(i18n, apply.previous_question).to_string())
    } else {
        (format!("/m/services/{}", v.item.code), t_string!(i18n, apply.back_to_guide).to_string())
    };
    let counter = fill_template(&t_string!(i18n, apply.question_of).to_string(), &[("n", position.to_string()), ("total", total.to_string())]);
    let title = if asked.invalid { format!("{} - {label} - {name}", t_string!(i18n, apply.error_summary_title)) } else { format!("{label} - {name}") };
    view! {
        <Title text=title/>
        <p class="steps" data-testid="question-counter">{counter}</p>
        <progress class="question-progress" max=total.to_string() value=position.to_string() aria-hidden="true"></progress>
        <h1 class="mb-3 text-lg font-semibold">{name}</h1>
        {v.filed_for.clone().map(|phone| view! { <p class="notice" data-testid="proxy-banner">{fill_template(&t_string!(i18n, agent.banner).to_string(), &[("phone", phone)])}</p> })}
        <div class="question">
            <ApplicationForm model=model/>
        </div>
        <p class="mt-4"><a class="link inline-flex min-h-12 items-center" href=back_href>{back_label}</a></p>
    }
    .into_any()
}
