//! What the site tells a client must be true and never contradict itself (#17): incident
//! durations at the precision their dates allow, staleness, incidents and next steps on the
//! dashboard, a navigation that fits, and Chinese that reads as written by a native editor.

use crate::support::*;

/// A weekly site with one note and one incident whose front matter is given.
fn incident_site(incident_front: &str) -> TestSite {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"Test project\"\nclient = \"ACME\"\ntimezone = \"Asia/Shanghai\"\n[communication]\ncadence = \"weekly\"\n",
    );
    site.write(
        "notes/week-1.md",
        &note(
            "title: Week 1\ndate: 2026-01-19\nhealth: on-track",
            "## Next steps\n\n- Ship the login page\n",
        ),
    );
    site.write(
        "notes/outage.md",
        &note(
            &format!("title: Booking slow\nkind: incident\nhealth: off-track\n{incident_front}"),
            "The booking page was slow for 40 minutes.",
        ),
    );
    site.commit_at("notes", "2026-01-25T09:00:00+08:00");
    site
}

#[test]
fn a_date_only_resolution_never_produces_an_hour_precise_duration() {
    let site = incident_site("date: 2026-01-23T10:00:00+08:00\nresolved: 2026-01-24");
    site.build_ok(&[]);
    let page = site.page("notes/outage.html");
    assert!(
        !page.contains("14 h"),
        "hour-precise duration from a date: {page}"
    );
    assert!(!page.contains("840"), "{page}");
    for report in ["reports/2026-W04.html", "reports/2026-01.html"] {
        if site.out().join(report).exists() {
            let r = site.page(report);
            assert!(!r.contains("840") && !r.contains("14 h"), "{report}: {r}");
        }
    }
}

#[test]
fn date_time_ends_give_minutes_and_started_is_a_known_key() {
    let site = incident_site(
        "date: 2026-01-23T12:00:00+08:00\nstarted: 2026-01-23T10:00:00+08:00\nresolved: 2026-01-23T10:40:00+08:00",
    );
    let out = site.build_ok(&[]);
    assert!(
        !stderr(&out).contains("unknown key `started`"),
        "{}",
        stderr(&out)
    );
    let page = site.page("notes/outage.html");
    assert!(page.contains("40 min"), "{page}");
    assert!(
        page.contains("2026-01-23T10:00:00+08:00"),
        "started is shown: {page}"
    );
}

#[test]
fn date_only_ends_days_apart_give_whole_days() {
    let site = incident_site("date: 2026-01-20\nresolved: 2026-01-23");
    site.build_ok(&[]);
    let page = site.page("notes/outage.html");
    assert!(page.contains(">3 d<"), "{page}");
}

#[test]
fn a_resolved_incident_never_reads_off_track() {
    let site =
        incident_site("date: 2026-01-23T10:00:00+08:00\nresolved: 2026-01-23T10:40:00+08:00");
    site.build_ok(&[]);
    let page = site.page("notes/outage.html");
    assert!(page.contains("Resolved"), "{page}");
    assert!(!page.contains("health-off-track"), "{page}");
}

/// A weekly site whose only note is from 2026-01-05 and whose last commit is months later,
/// with a report for every week in between.
fn stale_site(lang: &str) -> TestSite {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        &format!("title = \"Test project\"\nclient = \"ACME\"\nlanguage = \"{lang}\"\ntimezone = \"Asia/Shanghai\"\n[communication]\ncadence = \"weekly\"\n"),
    );
    site.write(
        "notes/week-1.md",
        &note(
            "title: Week 1\ndate: 2026-01-05\nhealth: on-track",
            "All good.",
        ),
    );
    site.commit_at("week 1", "2026-01-05T09:00:00+08:00");
    site.write("pages/about.md", &note("title: About", "About us."));
    site.commit_at("about", "2026-06-01T09:00:00+08:00");
    site
}

#[test]
fn every_page_says_when_it_was_updated_and_warns_once_the_next_update_is_overdue() {
    let site = stale_site("en");
    site.build_ok(&[]);
    for page in ["index.html", "issues/index.html", "notes/week-1.html"] {
        let html = site.page(page);
        assert!(html.contains("Last update:"), "{page}: {html}");
        let banner = html
            .split("banner-stale")
            .nth(1)
            .unwrap_or_else(|| panic!("{page} has no stale notice"));
        let banner = &banner[..banner.find("</div>").unwrap()];
        assert!(
            !banner.contains(" hidden>"),
            "overdue at build time: {banner}"
        );
        assert!(banner.contains("data-due="), "{banner}");
        assert!(
            banner.contains("2026-01-12"),
            "the due date is readable: {banner}"
        );
    }
    let js = site.page("assets/site.js");
    assert!(
        js.contains("banner-stale"),
        "the reader's clock decides too"
    );
    let status: serde_json::Value = serde_json::from_str(&site.page("status.json")).unwrap();
    assert!(
        status["next_update_due"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-12"),
        "{status}"
    );
}

#[test]
fn a_run_of_empty_periods_collapses_into_one_line_in_the_timeline() {
    let site = stale_site("en");
    site.build_ok(&[]);
    let timeline = site.page("timeline/index.html");
    assert_eq!(timeline.matches("event-quiet").count(), 1, "{timeline}");
    assert!(timeline.contains("No updates"), "{timeline}");
    assert!(timeline.matches("event-report").count() <= 2, "{timeline}");
}

#[test]
fn chinese_pages_use_full_width_punctuation_and_one_term_per_thing() {
    let site = stale_site("zh-CN");
    site.write(
        "glossary/uat.md",
        &note(
            "term: UAT\naliases: [验收测试, 用户验收]",
            "User acceptance test.",
        ),
    );
    site.commit_at("term", "2026-06-02T09:00:00+08:00");
    site.build_ok(&[]);
    let glossary = site.page("glossary/index.html");
    assert!(glossary.contains("又称："), "{glossary}");
    assert!(glossary.contains("验收测试、用户验收"), "{glossary}");
    let index = site.page("index.html");
    assert!(index.contains("客户：ACME"), "{index}");
    assert!(!index.contains("服务对象"));
    assert!(index.contains("状态更新"));
    assert!(!index.contains("进展报告"));
    let footer = &index[index.find("site-footer").unwrap()..];
    assert_eq!(footer.matches("生成").count(), 0, "{footer}");
    assert!(footer.contains("本站内容截至提交"), "{footer}");
}

#[test]
fn the_footer_explains_which_commit_the_site_shows() {
    let site = stale_site("en");
    site.build_ok(&[]);
    let index = site.page("index.html");
    assert!(
        index.contains("This site shows the project as of commit"),
        "{index}"
    );
}

#[test]
fn the_dashboard_lists_incidents_and_what_happens_next() {
    let site =
        incident_site("date: 2026-01-23T10:00:00+08:00\nresolved: 2026-01-23T10:40:00+08:00");
    site.build_ok(&[]);
    let index = site.page("index.html");
    let panel = &index[index.find("h-incidents").unwrap()..];
    assert!(
        panel.contains("Booking slow") && panel.contains("40 min"),
        "{panel}"
    );
    let next = &index[index.find("h-next-steps").unwrap()..];
    assert!(next.contains("Ship the login page"), "{next}");
}

#[test]
fn the_menu_has_at_most_seven_entries_and_reaches_every_section() {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"T\"\n[metrics.coverage]\nlabel = \"Coverage\"\n[[nav]]\ntitle = \"Board\"\nurl = \"https://example.com/board\"\n",
    );
    site.write("notes/a.md", &note("title: A", "x"));
    site.write("issues/ISS-1.md", &note("title: I", "x"));
    site.write(
        "glossary/uat.md",
        &note("term: UAT", "Testing by the client."),
    );
    site.write("feedback/f.md", &note("date: 2026-01-04\nfrom: C", "x"));
    site.write("pages/team.md", &note("title: Team", "x"));
    site.write("metrics/q.csv", "date,coverage\n2026-01-01,80\n");
    site.commit_at("feat: a", "2026-01-05T10:00:00+08:00");
    site.tag("v1.0.0");
    let out = site.vitrine(&["build", "--context"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let nav = json["site"]["nav"].as_array().unwrap();
    assert!(nav.len() <= 7, "{} top-level entries", nav.len());
    let mut urls: Vec<String> = Vec::new();
    for item in nav {
        urls.push(item["url"].as_str().unwrap().to_string());
        for c in item["children"].as_array().unwrap() {
            urls.push(c["url"].as_str().unwrap().to_string());
        }
    }
    for section in [
        "index.html",
        "notes/index.html",
        "reports/index.html",
        "timeline/index.html",
        "changelog/index.html",
        "issues/index.html",
        "milestones/index.html",
        "metrics/index.html",
        "glossary/index.html",
        "how-we-work/index.html",
        "feedback/index.html",
        "pages/team.html",
        "https://example.com/board",
    ] {
        assert!(
            urls.iter().any(|u| u == section),
            "{section} not in the menu: {urls:?}"
        );
    }
    // The built page shows the groups as menus that need no script.
    site.build_ok(&[]);
    let page = site.page("index.html");
    assert!(page.contains("<li class=\"group\"><details>"), "{page}");
}

#[test]
fn on_a_phone_each_issue_is_a_card_whose_fields_carry_their_labels() {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"T\"\nlanguage = \"zh-CN\"\n");
    site.write(
        "issues/ISS-1.md",
        &note("title: I\ntype: risk\nowner: Li", "x"),
    );
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    site.build_ok(&[]);
    let page = site.page("issues/index.html");
    // Chinese labels end in a full-width colon; the stylesheet stacks the cells below 600 px.
    assert!(page.contains("data-label=\"类型："), "{page}");
    let css = site.page("assets/style.css");
    assert!(css.contains("td[data-label]::before { content: attr(data-label)"));
}

#[test]
fn chinese_report_pages_list_with_the_enumeration_comma() {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"T\"\nlanguage = \"zh-CN\"\n");
    site.write("notes/a.md", &note("title: A", "x"));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    site.write("issues/ISS-1.md", &note("title: I\ntype: risk", "x"));
    site.commit_at("b", "2026-01-06T10:00:00+08:00");
    site.build_ok(&[]);
    let report = std::fs::read_dir(site.out().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| std::fs::read_to_string(p).unwrap().contains("ISS-1 I</a>"))
        .expect("a report naming ISS-1");
    let page = read(&report);
    assert!(page.contains("（风险、重要、待处理）"), "{page}");
}

/// A weekly project (notes due every Monday) whose week of 23–29 Nov 2026 has everything a
/// weekly e-mail reports: a health change explained by a note, a late update, feedback with
/// a response, an issue reported and resolved, a new risk, and a milestone that slipped and
/// moved.
fn week_site(lang: &str) -> TestSite {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        &format!("title = \"Clinic portal\"\nlanguage = \"{lang}\"\ntimezone = \"Asia/Shanghai\"\n[communication]\ncadence = \"weekly\"\nday = \"monday\"\n"),
    );
    site.write(
        "notes/week-12.md",
        &note(
            "title: \"Week 12: UAT started\"\ndate: 2026-11-16\nhealth: on-track\nprogress: 70",
            "Testing began.",
        ),
    );
    site.write(
        "milestones/M1.md",
        &note(
            "title: Training done\ndue: 2026-11-25",
            "- [ ] Staff trained",
        ),
    );
    site.write(
        "issues/ISS-1.md",
        &note("title: Vendor late\ntype: risk\nseverity: minor", "x"),
    );
    site.commit_at("week 12", "2026-11-16T10:00:00+08:00");
    site.write(
        "issues/ISS-2.md",
        &note(
            "title: Wrong address in SMS\ntype: defect\nseverity: minor",
            "x",
        ),
    );
    site.write(
        "issues/ISS-3.md",
        &note("title: Old desk browsers\ntype: risk\nseverity: major", "x"),
    );
    site.write(
        "feedback/it.md",
        &note(
            "date: 2026-11-24\nfrom: Clinic IT\nstatus: declined\nresponse: The desk computers are being replaced.",
            "Can the portal support the old browser on the desk computers?",
        ),
    );
    site.commit_at("reported", "2026-11-24T10:00:00+08:00");
    site.write(
        "issues/ISS-2.md",
        &note(
            "title: Wrong address in SMS\ntype: defect\nseverity: minor\nstatus: resolved",
            "x",
        ),
    );
    site.write(
        "milestones/M1.md",
        &note(
            "title: Training done\ndue: 2026-12-02\nstatus: slipped",
            "- [ ] Staff trained",
        ),
    );
    site.commit_at("resolved, moved", "2026-11-25T10:00:00+08:00");
    site.write(
        "notes/week-13.md",
        &note(
            "title: \"Week 13: UAT passed\"\ndate: 2026-11-26\nhealth: at-risk\nprogress: 88",
            "Training moved.",
        ),
    );
    site.commit_at("week 13", "2026-11-26T10:00:00+08:00");
    site.write("pages/about.md", &note("title: About", "Us."));
    site.commit_at("about", "2026-11-30T09:00:00+08:00");
    site
}

/// `vitrine report` for the week in `format`, tags stripped from HTML.
fn week_report(site: &TestSite, format: &str) -> String {
    let out = site.vitrine(&[
        "report",
        "--from",
        "2026-11-22",
        "--to",
        "2026-11-29",
        "--format",
        format,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    crate::report::without_tags(&String::from_utf8(out.stdout).unwrap())
}

/// Whether `text` holds an ISO date (`2026-11-24`).
fn has_iso_date(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(9))
        .find(|&i| {
            let d = |k: usize| b[i + k].is_ascii_digit();
            d(0) && d(1)
                && d(2)
                && d(3)
                && b[i + 4] == b'-'
                && d(5)
                && d(6)
                && b[i + 7] == b'-'
                && d(8)
                && d(9)
        })
        .map(|i| &text[i..i + 10])
}

#[test]
fn a_report_reads_like_a_weekly_email_in_every_format() {
    let site = week_site("en");
    for format in ["md", "text", "html"] {
        let r = week_report(&site, format);
        for fact in [
            "1 update published; the plan calls for 1 (weekly, every Monday).",
            "Health went from On track to At risk on 26 Nov 2026 — see “Week 13: UAT passed”.",
            "The update due on 23 Nov 2026 was published on 26 Nov 2026.",
            "Can the portal support the old browser on the desk computers?",
            "The desk computers are being replaced.",
            "Reported and resolved",
            "later than planned; the due date moved from 25 Nov 2026 to 2 Dec 2026",
            "23–29 Nov 2026",
        ] {
            assert!(r.contains(fact), "{format} lacks `{fact}`:\n{r}");
        }
        for wrong in [
            "1 updates",
            "of 0",
            "has not come",
            "Slipped",
            "Risks added",
        ] {
            assert!(!r.contains(wrong), "{format} says `{wrong}`:\n{r}");
        }
        // Each item once: ISS-2 reported and resolved, ISS-3 a new risk.
        for id in ["ISS-2", "ISS-3"] {
            assert_eq!(r.matches(id).count(), 1, "{format}: {id} twice:\n{r}");
        }
        assert_eq!(has_iso_date(&r), None, "{format}:\n{r}");
    }
    let json: serde_json::Value = serde_json::from_str(&week_report(&site, "json")).unwrap();
    assert_eq!(json["cadence"]["expected"], 1);
    assert_eq!(json["cadence"]["day"], 1);
    assert_eq!(
        json["health_change"]["note"]["title"],
        "Week 13: UAT passed"
    );
    assert_eq!(json["issues_reported_and_resolved"][0]["id"], "ISS-2");
    assert_eq!(json["issues_closed"], serde_json::json!([]));
    assert_eq!(json["milestones_slipped"], serde_json::json!([]));
    assert_eq!(json["milestones_moved"][0]["slipped"], true);
    assert_eq!(json["risks"], serde_json::json!([]));
}

#[test]
fn a_chinese_report_uses_chinese_dates_words_and_punctuation_in_every_format() {
    let site = week_site("zh-CN");
    for format in ["md", "text", "html"] {
        let r = week_report(&site, format);
        for fact in [
            "发布了 1 份状态更新；按约定应发布 1 份（每星期一）。",
            "项目状态于2026年11月26日从“进展正常”变为“存在风险”，详见“Week 13: UAT passed”。",
            "原定2026年11月23日发布的状态更新于2026年11月26日发布。",
            "Can the portal support the old browser on the desk computers?",
            "新增并已解决",
            "已延期，截止日期从2026年11月25日改为2026年12月2日",
            "2026年11月23日至29日",
        ] {
            assert!(r.contains(fact), "{format} lacks `{fact}`:\n{r}");
        }
        for wrong in ["已发布的进展报告", "新报告", "进展报告"] {
            assert!(!r.contains(wrong), "{format} says `{wrong}`:\n{r}");
        }
        assert_eq!(has_iso_date(&r), None, "{format}:\n{r}");
    }
}

#[test]
fn report_pages_are_titled_by_their_dates_with_the_iso_week_in_small_print() {
    for (lang, title, week, count) in [
        ("en", "23–29 Nov 2026", "ISO week 48, 2026", "1 update"),
        (
            "zh-CN",
            "2026年11月23日至29日",
            "ISO 周次：2026年第48周",
            "1 份状态更新",
        ),
    ] {
        let site = week_site(lang);
        site.build_ok(&[]);
        let page = site.page("reports/2026-W48.html");
        assert!(page.contains(&format!("<h1>{title}</h1>")), "{page}");
        assert!(page.contains(&format!("<small>{week}</small>")), "{page}");
        let index = site.page("reports/index.html");
        assert!(index.contains(&format!("{title}</a>")), "{index}");
        assert!(
            index.contains(count) && !index.contains("1 updates"),
            "{index}"
        );
        let timeline = site.page("timeline/index.html");
        assert!(
            timeline.contains(title),
            "the timeline names it alike: {timeline}"
        );
        assert!(!timeline.contains("Week 48"), "{timeline}");
    }
}

#[test]
fn the_next_update_is_due_on_the_weekday_the_plan_names() {
    let site = week_site("en");
    site.build_ok(&[]);
    // The latest note came on Thursday 26 Nov; notes are due on Mondays.
    let how = site.page("how-we-work/index.html");
    assert!(how.contains("weekly, every Monday"), "{how}");
    assert!(how.contains("datetime=\"2026-11-30\""), "due Monday: {how}");
    let status: serde_json::Value = serde_json::from_str(&site.page("status.json")).unwrap();
    assert!(
        status["next_update_due"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-30"),
        "{status}"
    );
    site.write(
        "vitrine.toml",
        "title = \"Clinic portal\"\n[communication]\nday = \"mondy\"\n",
    );
    site.commit_at("typo", "2026-11-30T10:00:00+08:00");
    let out = site.vitrine(&["build"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not a weekday"), "{}", stderr(&out));
}

/// A milestone whose acceptance criteria are a task list in its text, moved `moves` times
/// and then (if `done`) completed on 2026-03-10.
fn milestone_site(lang: &str, moves: usize, done: bool) -> TestSite {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        &format!("title = \"T\"\nlanguage = \"{lang}\"\ntimezone = \"Asia/Shanghai\"\n"),
    );
    let body = "Training for every receptionist.\n\n- [x] Material in Chinese and English\n- [ ] Session for the morning shift\n";
    site.write(
        "milestones/M1.md",
        &note("title: Reception trained\ndue: 2026-03-01", body),
    );
    site.commit_at("plan", "2026-02-01T10:00:00+08:00");
    for k in 0..moves {
        site.write(
            "milestones/M1.md",
            &note(
                &format!("title: Reception trained\ndue: 2026-03-0{}", k + 2),
                body,
            ),
        );
        site.commit_at("move", &format!("2026-02-0{}T10:00:00+08:00", k + 2));
    }
    if done {
        site.write(
            "milestones/M1.md",
            &note(
                &format!("title: Reception trained\ndue: 2026-03-0{}\nstatus: done\ncompleted: 2026-03-10", moves + 1),
                &body.replace("- [ ]", "- [x]"),
            ),
        );
        site.commit_at("done", "2026-03-10T10:00:00+08:00");
    }
    site
}

#[test]
fn a_milestone_page_shows_its_criteria_once_and_speaks_of_moves_and_completion_in_client_words() {
    let site = milestone_site("en", 1, false);
    site.build_ok(&[]);
    let page = site.page("milestones/m1.html");
    assert_eq!(
        page.matches("Session for the morning shift").count(),
        1,
        "criteria once: {page}"
    );
    assert!(page.contains("Training for every receptionist."), "{page}");
    assert!(page.contains("Due date moved once"), "{page}");
    assert!(
        !page.contains("time(s)") && !page.contains("Reported"),
        "{page}"
    );
    assert!(page.contains("Added to the plan"), "{page}");

    let site = milestone_site("en", 3, true);
    site.build_ok(&[]);
    let page = site.page("milestones/m1.html");
    assert!(page.contains("Due date moved 3 times"), "{page}");
    assert!(
        !page.contains("after it was reported"),
        "issue wording: {page}"
    );
    assert!(
        page.contains("Completed on <time datetime=\"2026-03-10\">10 Mar 2026</time>, 9 days after the date first planned"),
        "{page}"
    );

    let site = milestone_site("zh-CN", 1, true);
    site.build_ok(&[]);
    let page = site.page("milestones/m1.html");
    assert!(page.contains("截止日期推迟过 1 次"), "{page}");
    assert!(page.contains("，比最初计划晚 9 天"), "{page}");
    assert!(
        !page.contains("报告后") && !page.contains("已报告"),
        "{page}"
    );
    assert_eq!(page.matches("Session for the morning shift").count(), 1);
}

/// The labels of a line chart's value axis (the HTML beside its SVG), in order.
fn y_labels(chart: &str) -> Vec<String> {
    let axis = &chart[chart.find("chart-y").expect("a value axis")..];
    let axis = &axis[..axis.find("</div>").unwrap()];
    axis.split("<span")
        .skip(1)
        .map(|s| s[s.find('>').unwrap() + 1..s.find("</span>").unwrap()].to_string())
        .collect()
}

#[test]
fn chart_axes_count_whole_issues_and_round_percentages_in_text_that_stays_readable_on_a_phone() {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"T\"\ntimezone = \"Asia/Shanghai\"\n",
    );
    site.write(
        "notes/a.md",
        &note("title: A\ndate: 2026-01-05\nprogress: 10", "x"),
    );
    site.write("issues/ISS-1.md", &note("title: One\nseverity: minor", "x"));
    site.commit_at("a", "2026-01-05T10:00:00+08:00");
    site.write(
        "notes/b.md",
        &note("title: B\ndate: 2026-01-12\nprogress: 40", "x"),
    );
    site.write("issues/ISS-2.md", &note("title: Two\nseverity: minor", "x"));
    site.write(
        "issues/ISS-3.md",
        &note("title: Three\nseverity: major", "x"),
    );
    site.commit_at("b", "2026-01-12T10:00:00+08:00");
    site.build_ok(&[]);
    let issues = site.page("issues/index.html");
    let burndown = &issues[issues.find("chart-figure").expect("a burn-down chart")..];
    assert_eq!(y_labels(burndown), ["0", "1", "2", "3"], "whole issues");
    let dash = site.page("index.html");
    let progress = &dash[dash.find("chart-figure").expect("a progress chart")..];
    assert_eq!(
        y_labels(progress),
        ["0%", "25%", "50%", "75%", "100%"],
        "round percentages"
    );
    // No text inside a line chart's SVG, where a viewBox would shrink it on a phone.
    for chart in [burndown, progress] {
        let svg = &chart[..chart.find("</svg>").unwrap()];
        assert!(!svg.contains("<text"), "{svg}");
    }
    // The labels' size is the page's, at least 11 px; the milestone chart, whose names
    // are SVG text at 11 units of a 640-unit viewBox, never renders narrower than 640 px.
    let css = site.page("assets/style.css");
    let rule = |sel: &str| {
        let at = css
            .find(&format!("{sel} {{"))
            .unwrap_or_else(|| panic!("no `{sel}` rule"));
        css[at..at + css[at..].find('}').unwrap()].to_string()
    };
    let px = |rule: &str, prop: &str| -> f64 {
        let v = &rule[rule.find(&format!("{prop}:")).unwrap() + prop.len() + 1..];
        v.trim_start()[..v.trim_start().find("px").unwrap()]
            .parse()
            .unwrap()
    };
    assert!(px(&rule(".chart-axis"), "font-size") >= 11.0);
    assert!(px(&rule("svg.chart .axis"), "font-size") >= 11.0);
    assert!(px(&rule(".chart-scroll svg.chart"), "min-width") >= 640.0);
    assert!(rule(".chart-scroll").contains("overflow-x: auto"));
}

#[test]
fn printed_the_footer_never_takes_a_page_of_its_own() {
    // Checked by printing the example's reports with Chromium (`--print-to-pdf`, then
    // `pdftotext` on the last page); here, the rules that make it so.
    let site = week_site("en");
    site.build_ok(&[]);
    let css = site.page("assets/style.css");
    let at = css
        .find(".site-footer { break-before: avoid")
        .expect("the footer is kept with what comes before it");
    let print = &css[css[..at].rfind("@media").unwrap()..];
    assert!(print.starts_with("@media print"), "{print}");
    let footer = &print[print.find(".site-footer {").unwrap()..];
    let footer = &footer[..footer.find('}').unwrap()];
    assert!(footer.contains("break-inside: avoid"), "{footer}");
    assert!(print.contains("main > :last-child") && print.contains("break-after: avoid"));
}

#[test]
fn a_monthly_report_expects_one_update_per_month_and_never_more_than_the_period_holds() {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"T\"\ntimezone = \"Asia/Shanghai\"\n[communication]\ncadence = \"monthly\"\n",
    );
    site.write(
        "notes/jan.md",
        &note("title: January\ndate: 2026-01-05", "x"),
    );
    site.commit_at("jan", "2026-01-05T10:00:00+08:00");
    site.write(
        "notes/feb.md",
        &note("title: February\ndate: 2026-02-20", "x"),
    );
    site.commit_at("feb", "2026-02-20T10:00:00+08:00");
    let report = |from: &str, to: &str| {
        let out = site.vitrine(&["report", "--from", from, "--to", to, "--format", "text"]);
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let feb = report("2026-01-31", "2026-02-28");
    assert!(
        feb.contains("1 update published; the plan calls for 1 (monthly)."),
        "{feb}"
    );
    assert!(
        feb.contains("The update due on 5 Feb 2026 was published on 20 Feb 2026."),
        "{feb}"
    );
    // Ten days of a month promise no monthly update: no "of 0", no count at all.
    let part = report("2026-02-10", "2026-02-20");
    assert!(part.contains("1 update published."), "{part}");
    assert!(!part.contains("the plan calls for"), "{part}");
}

#[test]
fn an_older_note_in_another_language_never_reads_as_the_current_status() {
    for (lang, now, then) in [
        ("en", "Current status", "At the time"),
        ("zh-CN", "当前状态", "当时"),
    ] {
        let site = TestSite::new();
        site.write(
            "vitrine.toml",
            &format!("title = \"T\"\nlanguage = \"{lang}\"\ntimezone = \"Asia/Shanghai\"\n"),
        );
        site.write(
            "notes/zh-week-12.md",
            &note(
                "title: 第十二周\ndate: 2026-11-23\nhealth: on-track\nprogress: 84",
                "进展顺利。",
            ),
        );
        site.write(
            "notes/week-13.md",
            &note(
                "title: Week 13\ndate: 2026-11-26\nhealth: at-risk\nprogress: 88",
                "Training moved.",
            ),
        );
        site.commit_at("notes", "2026-11-26T18:00:00+08:00");
        site.build_ok(&[]);
        let index = site.page("index.html");
        let latest = &index[index.find("h-latest").unwrap()..];
        let card = |title: &str| {
            let at = latest
                .find(title)
                .unwrap_or_else(|| panic!("{title} in {latest}"));
            let end = latest[at..].find("</article>").unwrap() + at;
            latest[at..end].to_string()
        };
        let (newer, older) = (card("Week 13"), card("第十二周"));
        assert!(
            newer.contains(now) && !newer.contains(&format!(">{then}")),
            "{newer}"
        );
        assert!(
            older.contains("meta then") && older.contains(then) && !older.contains(now),
            "{older}"
        );
        // The notes list is history: no card there claims to be current.
        assert!(!site.page("notes/index.html").contains(now));
    }
}

/// Commit messages are developer text: the changelog is the one client page that shows them
/// (shaped into entries); no other page, feed or data file carries a word of one.
#[test]
fn commit_messages_reach_no_client_file_but_the_changelog() {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"T\"\ntimezone = \"Asia/Shanghai\"\n[communication]\ncadence = \"weekly\"\n",
    );
    site.write(
        "issues/ISS-1.md",
        &note(
            "title: Export fails\ntype: defect\nstatus: open",
            "Big files.",
        ),
    );
    site.write(
        "milestones/M1.md",
        &note(
            "title: Beta\ndue: 2026-02-20\nstatus: planned",
            "- [ ] Exports work",
        ),
    );
    site.write(
        "notes/week-1.md",
        &note(
            "title: Week 1\ndate: 2026-01-05\nhealth: on-track\nprogress: 10",
            "Started.",
        ),
    );
    site.commit_at("docs: platypus scaffolding", "2026-01-05T09:00:00+08:00");
    site.write_repo("src/a.txt", "1");
    site.commit_at(
        "feat: zebra exporter\n\nRefs: ISS-1",
        "2026-01-06T09:00:00+08:00",
    );
    site.write_repo("src/a.txt", "2");
    site.commit_at(
        "fix(api): narwhal timeout\n\nFixes: ISS-1",
        "2026-01-07T09:00:00+08:00",
    );
    site.write(
        "issues/ISS-1.md",
        &note(
            "title: Export fails\ntype: defect\nstatus: resolved",
            "Big files.",
        ),
    );
    site.write(
        "notes/outage.md",
        &note(
            "title: Exports down\nkind: incident\ndate: 2026-01-08T10:00:00+08:00\nresolved: 2026-01-08T11:00:00+08:00",
            "Exports failed for an hour.",
        ),
    );
    site.commit_at(
        "chore: quokka cleanup, close ISS-1",
        "2026-01-08T12:00:00+08:00",
    );
    site.tag("v0.1.0");
    site.write(
        "notes/outage.md",
        &note(
            "title: Exports down\nkind: incident\ndate: 2026-01-08T10:00:00+08:00\nresolved: 2026-01-08T11:00:00+08:00",
            "Exports failed for an hour.\n\nThe cause was a full disk.",
        ),
    );
    site.write(
        "issues/ISS-1.md",
        &note(
            "title: Export fails\ntype: defect\nstatus: open",
            "Big files fail again.",
        ),
    );
    site.commit_at("wip: walrus reopen ISS-1", "2026-01-12T09:00:00+08:00");
    site.build_ok(&[]);
    // Entries of the client changelog (a feature, a fix) may be quoted where a release is
    // reported (period reports); other commit messages (docs, chore, wip) reach no file but
    // the changelog, whose `[changelog]` settings decide what it lists.
    let entries = ["zebra", "narwhal"];
    let hidden = ["platypus", "quokka", "walrus"];
    let mut leaks = Vec::new();
    for (path, text) in all_files(&site.out()) {
        if path == "changelog/index.html" {
            continue; // its own policy: `[changelog]` in vitrine.toml
        }
        let lower = text.to_lowercase();
        let may_quote = path.starts_with("reports/2026-");
        for w in hidden
            .iter()
            .chain(if may_quote { &[][..] } else { &entries[..] })
        {
            if lower.contains(w) {
                leaks.push(format!("{w} in {path}"));
            }
        }
    }
    assert!(leaks.is_empty(), "{leaks:#?}");
    // The changelog does show the entries (so the check above is not vacuous).
    let changelog = site.page("changelog/index.html");
    assert!(changelog.contains("zebra exporter") && changelog.contains("narwhal timeout"));
    // And the text reports: `vitrine report` in every format.
    for format in ["md", "txt", "html", "json"] {
        let out = site.vitrine(&["report", "--from", "2026-01-01", "--format", format]);
        let text = String::from_utf8_lossy(&out.stdout).to_lowercase();
        for w in ["platypus", "quokka", "walrus"] {
            assert!(!text.contains(w), "{w} in the {format} report: {text}");
        }
    }
}

#[test]
fn what_happens_next_is_found_under_the_labels_teams_write() {
    for (lang, body, expected) in [
        (
            "en",
            "**Done**\n\n- v0.8 installed\n\n**Next**\n\n- Freezer-zone test until 24 November\n",
            "Freezer-zone test until 24 November",
        ),
        (
            "zh-CN",
            "**本周完成**\n\n- 安装 0.8\n\n**下周**：\n\n- 冷库区测试到 11 月 24 日\n",
            "冷库区测试到 11 月 24 日",
        ),
    ] {
        let site = TestSite::new();
        site.write(
            "vitrine.toml",
            &format!("title = \"T\"\nlanguage = \"{lang}\"\n"),
        );
        site.write(
            "notes/week-10.md",
            &note("title: Week 10\ndate: 2026-11-20\nhealth: at-risk", body),
        );
        site.commit_at("notes", "2026-11-20T18:00:00+08:00");
        site.build_ok(&[]);
        let index = site.page("index.html");
        let next = &index[index.find("h-next-steps").unwrap()..];
        assert!(next.contains(expected), "{next}");
    }
}

#[test]
fn counts_in_english_take_the_singular_for_one() {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"T\"\n");
    site.write(
        "issues/ISS-1.md",
        &note("title: Login fails\ntype: defect", "x"),
    );
    site.commit_at("issues", "2026-01-05T09:00:00Z");
    site.build_ok(&[]);
    let index = site.page("index.html");
    assert!(index.contains("1 open issue in total"), "{index}");
    assert!(!index.contains("1 open issues"));
    // None open: no "0 open issues" line under "No open defects".
    site.write(
        "issues/ISS-1.md",
        &note("title: Login fails\ntype: defect\nstatus: resolved", "x"),
    );
    site.commit_at("fixed", "2026-01-06T09:00:00Z");
    site.build_ok(&[]);
    assert!(!site.page("index.html").contains("0 open issues"));
}

#[test]
fn the_timeline_says_an_issue_was_reopened() {
    for (lang, word) in [("en", "Reopened"), ("zh-CN", "重新打开")] {
        let site = TestSite::new();
        site.write(
            "vitrine.toml",
            &format!("title = \"T\"\nlanguage = \"{lang}\"\n"),
        );
        site.write(
            "issues/ISS-1.md",
            &note("title: Labels fail\nstatus: open", "x"),
        );
        site.commit_at("open", "2026-01-05T09:00:00Z");
        site.write(
            "issues/ISS-1.md",
            &note("title: Labels fail\nstatus: resolved", "x"),
        );
        site.commit_at("fix", "2026-01-12T09:00:00Z");
        site.write(
            "issues/ISS-1.md",
            &note("title: Labels fail\nstatus: open", "x"),
        );
        site.commit_at("again", "2026-01-19T09:00:00Z");
        site.build_ok(&[]);
        let timeline = site.page("timeline/index.html");
        assert!(timeline.contains(word), "{timeline}");
        assert!(!timeline.contains("变更"), "{timeline}");
        // The report index's one-line summary of that week says so too.
        let reports = site.page("reports/index.html");
        let summary = if lang == "en" {
            "1 reopened"
        } else {
            "重新打开 1 个问题"
        };
        assert!(reports.contains(summary), "{reports}");
        // The site shows the repository as of Monday 19 January: that week is not over.
        let progress = if lang == "en" {
            "in progress"
        } else {
            "进行中"
        };
        assert_eq!(reports.matches(progress).count(), 1, "{reports}");
        assert!(site.page("reports/2026-W04.html").contains(progress));
        assert!(!site.page("reports/2026-W03.html").contains(progress));
    }
}

/// What a reader sees of a page, tags removed without adding space (inline markup does not
/// separate words), code left out (it is quoted as written).
fn reading_text(html: &str) -> String {
    let mut rest = html.to_string();
    for (tag, instead) in [
        ("script", "\n"),
        ("style", "\n"),
        ("pre", "\n"),
        ("svg", "\n"),
        ("title", "\n"),
        ("code", "0"),
    ] {
        while let Some(a) = rest.find(&format!("<{tag}")) {
            let end = format!("</{tag}>");
            let b = rest[a..]
                .find(&end)
                .map_or(rest.len(), |b| a + b + end.len());
            rest.replace_range(a..b, instead);
        }
    }
    let block = regex::Regex::new(r"(?i)</?(p|li|div|h[1-6]|dt|dd|tr|td|th|section|article|header|footer|nav|ul|ol|table|figure|figcaption|br)\b[^>]*>").unwrap();
    let rest = block.replace_all(&rest, "\n");
    let tags = regex::Regex::new(r"<[^>]*>").unwrap();
    tags.replace_all(&rest, "")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

/// Chinese typesetting on every page of the example site built in Chinese: no half-width
/// comma, colon, semicolon or parentheses against Chinese text, no space after a
/// full-width mark or before a closing one.
#[test]
fn every_chinese_page_of_the_example_uses_full_width_punctuation() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let out = run(&["demo", demo.to_str().unwrap()], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let config = demo.join("status/vitrine.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        toml.replace("language = \"en\"", "language = \"zh-CN\""),
    )
    .unwrap();
    let out = run(&["-C", "status", "build", "--worktree"], &demo);
    assert!(out.status.success(), "{}", stderr(&out));
    let rules = [
        (r"\p{Han}[ ]?[,;:!?]", "a half-width mark after Chinese"),
        (r"[,;:][ ]?\p{Han}", "a half-width mark before Chinese"),
        (
            r"\([^()\n]*\p{Han}[^()\n]*\)",
            "half-width parentheses around Chinese",
        ),
        (r"[：，、；。（][ ]+\S", "a space after a full-width mark"),
        (r"\S[ ]+[，、；。）]", "a space before a full-width mark"),
    ]
    .map(|(r, what)| (regex::Regex::new(r).unwrap(), what));
    let mut found = Vec::new();
    for (path, html) in all_files(&demo.join("status/public")) {
        if !path.ends_with(".html") {
            continue;
        }
        let text = reading_text(&html);
        for (re, what) in &rules {
            for m in re.find_iter(&text) {
                let a = text.floor_char_boundary(m.start().saturating_sub(20));
                let b = text.ceil_char_boundary((m.end() + 20).min(text.len()));
                found.push(format!(
                    "{path}: {what}: …{}…",
                    text[a..b].replace('\n', "⏎")
                ));
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "{} places:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn a_lower_is_better_metric_over_its_target_is_not_called_below_it() {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"T\"\n[metrics.sync_delay]\nlabel = \"Sync delay\"\nunit = \" s\"\ntarget = 5\nbetter = \"lower\"\n",
    );
    site.write(
        "metrics/quality.csv",
        "date,sync_delay\n2026-01-05,12\n2026-01-12,9\n",
    );
    site.commit_at("metrics", "2026-01-12T09:00:00Z");
    site.build_ok(&[]);
    for page in ["index.html", "metrics/index.html"] {
        let html = site.page(page);
        assert!(html.contains("Target not met"), "{page}: {html}");
        // On a phone each metric is a card whose figures carry their labels.
        assert!(html.contains("data-label=\"Target: \""), "{page}");
        assert!(!html.contains("Below target"), "{page}");
    }
}

#[test]
fn a_plain_text_report_underlines_chinese_headings_to_their_width() {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"项目\"\nlanguage = \"zh-CN\"\n");
    site.write(
        "issues/ISS-1.md",
        &note("title: 登录失败\ntype: defect", "x"),
    );
    site.write(
        "notes/w1.md",
        &note(
            "title: 第一周\ndate: 2026-01-05\nhealth: on-track",
            "## 下一步\n\n- 验收\n",
        ),
    );
    site.commit_at("start", "2026-01-05T09:00:00+08:00");
    let out = site.vitrine(&["report", "--from", "2026-01-01", "--format", "text"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let mut rules = 0;
    for pair in lines.windows(2) {
        let (heading, rule) = (pair[0], pair[1]);
        if !rule.is_empty() && rule.chars().all(|c| c == '-' || c == '=') {
            rules += 1;
            let width = unicode_width::UnicodeWidthStr::width(heading).max(4);
            assert_eq!(
                rule.chars().count(),
                width,
                "{heading:?} / {rule:?} in\n{text}"
            );
        }
    }
    assert!(rules >= 3, "{text}");
}

#[test]
fn an_issue_history_names_milestones_by_their_titles() {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"T\"\n");
    site.write(
        "milestones/M2.md",
        &note("title: Pilot ready\ndue: 2026-02-01", "x"),
    );
    site.write(
        "milestones/M3.md",
        &note("title: Pilot run\ndue: 2026-03-01", "x"),
    );
    site.write(
        "issues/ISS-1.md",
        &note("title: Labels fail\nmilestone: M2", "x"),
    );
    site.commit_at("plan", "2026-01-05T09:00:00Z");
    site.write(
        "issues/ISS-1.md",
        &note("title: Labels fail\nmilestone: M3", "x"),
    );
    site.commit_at("move", "2026-01-12T09:00:00Z");
    site.build_ok(&[]);
    let page = site.page("issues/iss-1.html");
    let history = &page[page.find("h-history").unwrap()..];
    assert!(
        history.contains("<del>Pilot ready</del>") && history.contains("<ins>Pilot run</ins>"),
        "{history}"
    );
    assert!(
        !history.contains(">M2<") && !history.contains(">M3<"),
        "{history}"
    );
}

#[test]
fn an_issue_resolved_the_day_it_was_reported_says_so() {
    for (lang, said) in [
        ("en", "Resolved the day it was reported"),
        ("zh-CN", "报告当天即已解决"),
    ] {
        let site = TestSite::new();
        site.write(
            "vitrine.toml",
            &format!("title = \"T\"\nlanguage = \"{lang}\"\n"),
        );
        site.write("issues/ISS-1.md", &note("title: Typo\nstatus: open", "x"));
        site.commit_at("open", "2026-01-05T09:00:00Z");
        site.write(
            "issues/ISS-1.md",
            &note("title: Typo\nstatus: resolved", "x"),
        );
        site.commit_at("fix", "2026-01-05T15:00:00Z");
        site.build_ok(&[]);
        let page = site.page("issues/iss-1.html");
        assert!(page.contains(said), "{page}");
        assert!(
            !page.contains(" 0 天") && !page.contains(" 0 days"),
            "{page}"
        );
    }
}

/// One change is one entry: a commit that moves a milestone's date and marks it slipped,
/// or changes an issue's status and severity, is one event in the timeline and the feeds,
/// and every feed entry has an id of its own (Atom requires it; readers drop repeats).
#[test]
fn one_change_is_one_timeline_event_and_feed_ids_are_unique() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let out = run(&["demo", demo.to_str().unwrap()], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let public = demo.join("status/public");
    let id = regex::Regex::new(r"<id>([^<]*)</id>").unwrap();
    for feed in ["feed.xml", "incidents.xml"] {
        let xml = std::fs::read_to_string(public.join(feed)).unwrap();
        let mut ids: Vec<&str> = id
            .captures_iter(&xml)
            .map(|c| c.get(1).unwrap().as_str())
            .collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "{feed} repeats an id");
        assert!(n > 1, "{feed}");
    }
    let xml = std::fs::read_to_string(public.join("feed.xml")).unwrap();
    assert_eq!(
        xml.matches("<title>Milestone moved: Reception team trained</title>")
            .count(),
        1,
        "{xml}"
    );
}

/// A report names the note where health last changed within the period, even when the
/// period ends where it began (On track → At risk → On track → At risk reads "At risk",
/// but the change is told), and never the period's last note merely repeating it.
#[test]
fn a_report_names_the_note_where_health_changed() {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"T\"\ntimezone = \"Asia/Shanghai\"\n",
    );
    for (slug, date, health) in [
        ("w1", "2026-01-05", "on-track"),
        ("w2", "2026-01-12", "at-risk"),
        ("w3", "2026-01-19", "at-risk"),
        ("w4", "2026-01-26", "on-track"),
        ("w5", "2026-02-02", "at-risk"),
        ("w6", "2026-02-04", "at-risk"),
    ] {
        site.write(
            &format!("notes/{slug}.md"),
            &note(
                &format!("title: Week {slug}\ndate: {date}\nhealth: {health}"),
                "x",
            ),
        );
        site.commit_at(slug, &format!("{date}T18:00:00+08:00"));
    }
    let report = |from: &str, to: &str| -> serde_json::Value {
        let out = site.vitrine(&["report", "--from", from, "--to", to, "--format", "json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let r = report("2026-01-06", "2026-01-25");
    assert_eq!(r["health_change"]["note"]["title"], "Week w2", "{r:#}");
    assert_eq!(r["health_change"]["to"], "at-risk");
    let r = report("2026-01-20", "2026-02-05");
    assert_eq!(r["health"]["from"], r["health"]["to"], "{r:#}");
    assert_eq!(r["health_change"]["note"]["title"], "Week w5", "{r:#}");
    assert_eq!(r["health_change"]["from"], "on-track");
}

#[test]
fn a_report_never_lists_a_reopened_issue_as_fixed_by_a_release() {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"T\"\n");
    site.write(
        "issues/ISS-1.md",
        &note("title: Labels fail\nstatus: open", "x"),
    );
    site.commit_at("docs: issue", "2026-01-05T09:00:00Z");
    site.write_repo("src/a.txt", "1");
    site.commit_at("fix: labels\n\nFixes: ISS-1", "2026-01-06T09:00:00Z");
    site.write(
        "issues/ISS-1.md",
        &note("title: Labels fail\nstatus: resolved", "x"),
    );
    site.commit_at("docs: resolved", "2026-01-06T10:00:00Z");
    site.tag("v0.1.0");
    site.write(
        "issues/ISS-1.md",
        &note("title: Labels fail\nstatus: open", "again"),
    );
    site.commit_at("docs: reopened", "2026-01-08T10:00:00Z");
    let out = site.vitrine(&["report", "--from", "2026-01-01", "--format", "json"]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["releases"][0]["tag"], "v0.1.0", "{r:#}");
    assert_eq!(
        r["releases"][0]["fixed"].as_array().map(Vec::len),
        Some(0),
        "{r:#}"
    );
}

/// A report is written in the language the site has now (a report on an old period is sent
/// now); without `base_url` its links would lead nowhere from an e-mail, so they are left
/// out and the command says why.
#[test]
fn a_report_on_an_old_period_speaks_todays_language_and_has_no_dead_links() {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"T\"\n");
    site.write("issues/ISS-1.md", &note("title: Labels fail", "x"));
    site.write(
        "notes/w1.md",
        &note("title: Week 1\ndate: 2026-01-05\nhealth: on-track", "x"),
    );
    site.commit_at("start", "2026-01-05T09:00:00Z");
    site.write("vitrine.toml", "title = \"T\"\nlanguage = \"zh-CN\"\n");
    site.commit_at("language", "2026-02-01T09:00:00Z");
    let out = site.vitrine(&[
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-10",
        "--format",
        "html",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(html.contains("周期报告"), "{html}");
    assert!(
        html.contains("ISS-1 Labels fail") && !html.contains("href=\"issues/"),
        "{html}"
    );
    assert!(stderr(&out).contains("base_url"), "{}", stderr(&out));
    site.write(
        "vitrine.toml",
        "title = \"T\"\nlanguage = \"zh-CN\"\nbase_url = \"https://acme.example/status/\"\n",
    );
    site.commit_at("address", "2026-02-02T09:00:00Z");
    let out = site.vitrine(&[
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-10",
        "--format",
        "html",
    ]);
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(
        html.contains("href=\"https://acme.example/status/issues/iss-1.html\""),
        "{html}"
    );
    assert!(!stderr(&out).contains("base_url"));
}

#[test]
fn chinese_pages_name_duties_closures_and_channels_in_chinese() {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"T\"\nlanguage = \"zh-CN\"\n[communication]\ncadence = \"weekly\"\n[communication.owners]\n\"status notes\" = \"王磊\"\n\"incidents\" = \"陈晓\"\n\"培训\" = \"孙慧\"\n",
    );
    site.write(
        "issues/ISS-1.md",
        &note("title: 人手不足\ntype: risk\nstatus: open", "x"),
    );
    site.write(
        "feedback/2026-01-06-call.md",
        &note(
            "date: 2026-01-06\nfrom: 客户\nchannel: 电话\nrating: 4\nstatus: received",
            "好。",
        ),
    );
    site.commit_at("start", "2026-01-05T09:00:00+08:00");
    site.write(
        "issues/ISS-1.md",
        &note("title: 人手不足\ntype: risk\nstatus: closed", "x"),
    );
    site.commit_at("close", "2026-01-12T09:00:00+08:00");
    site.build_ok(&[]);
    let how = site.page("how-we-work/index.html");
    assert!(
        how.contains("状态更新：<strong>王磊") && how.contains("故障处理：<strong>陈晓"),
        "{how}"
    );
    assert!(
        how.contains("培训：<strong>孙慧"),
        "a duty of the team's own stays as written"
    );
    assert!(!how.contains("status notes") && !how.contains("incidents："));
    let timeline = site.page("timeline/index.html");
    assert!(
        timeline.contains("已关闭") && !timeline.contains("已解决"),
        "{timeline}"
    );
    let feedback = site.page("feedback/index.html");
    assert!(feedback.contains("渠道：电话"), "{feedback}");
    assert!(
        feedback.contains("<span class=\"nowrap\">· <span class=\"fstatus"),
        "{feedback}"
    );
}

#[test]
fn a_date_only_end_is_never_listed_before_its_start() {
    let site = incident_site("date: 2026-01-23T10:00:00+08:00\nresolved: 2026-01-23");
    site.build_ok(&[]);
    let timeline = site.page("timeline/index.html");
    // Newest first: the resolution comes before (above) the start.
    let resolved = timeline
        .find("event-incident-resolved")
        .expect("a resolution event");
    let opened = timeline
        .find("event-incident-opened")
        .expect("a start event");
    assert!(resolved < opened, "{timeline}");
}

#[test]
fn a_milestone_page_says_what_the_team_wrote_before_its_checklist() {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"T\"\n");
    site.write(
        "milestones/M3.md",
        &note(
            "title: Pilot run\ndue: 2026-02-01\nstatus: slipped",
            "Late: labels still fail. New target: 4 December.\n\n- [ ] 98% first-scan success\n",
        ),
    );
    site.commit_at("plan", "2026-01-05T09:00:00Z");
    site.build_ok(&[]);
    let page = site.page("milestones/m3.html");
    let why = page.find("New target: 4 December").expect("the text");
    let list = page.find("h-criteria").expect("the checklist");
    assert!(why < list, "{page}");
}

/// Nothing was due before the project's first note: a report on a month in which the
/// project began never says an update was late before it existed.
#[test]
fn a_report_expects_no_update_before_the_first_note() {
    let site = TestSite::new();
    site.write(
        "vitrine.toml",
        "title = \"T\"\n[communication]\ncadence = \"weekly\"\nday = \"monday\"\n",
    );
    site.write(
        "notes/w1.md",
        &note("title: Week 1\ndate: 2026-11-26\nhealth: on-track", "x"),
    );
    site.commit_at("start", "2026-11-26T09:00:00Z");
    let out = site.vitrine(&[
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-27",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["cadence"]["expected"], 0, "{r:#}");
    assert_eq!(r["cadence"]["published"], 1, "{r:#}");
    assert_eq!(
        r["cadence"]["late"].as_array().map(Vec::len),
        Some(0),
        "{r:#}"
    );
    // Later, two Mondays (30 Nov, 7 Dec) have passed without a note: the first is late.
    let out = site.vitrine(&[
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-12-08",
        "--format",
        "json",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["cadence"]["expected"], 2, "{r:#}");
    assert_eq!(
        r["cadence"]["late"].as_array().map(Vec::len),
        Some(1),
        "{r:#}"
    );
}

/// A fix committed together with the issue's new status is work on the issue; a commit
/// that only updates the status pages (`docs(status): reopen …`) is its history, not work.
#[test]
fn a_fix_that_also_updates_the_issue_file_stays_work() {
    let site = TestSite::new();
    site.write("vitrine.toml", "title = \"T\"\n");
    site.write(
        "issues/SC-2.md",
        &note("title: Labels fail\nstatus: open", "x"),
    );
    site.commit_at("docs(status): SC-2", "2026-01-05T09:00:00Z");
    site.write_repo("src/scan.ts", "1");
    site.write(
        "issues/SC-2.md",
        &note("title: Labels fail\nstatus: resolved", "x"),
    );
    site.commit_at(
        "fix(scan): decode profile\n\nFixes: SC-2",
        "2026-01-06T09:00:00Z",
    );
    site.write(
        "issues/SC-2.md",
        &note("title: Labels fail\nstatus: open", "again"),
    );
    site.commit_at("docs(status): reopen SC-2", "2026-01-08T09:00:00Z");
    site.build_ok(&[]);
    let page = site.page("issues/sc-2.html");
    let work = &page[page.find("h-work").expect("a work list")..];
    let work = &work[..work.find("</section>").unwrap()];
    assert_eq!(work.matches("<li>").count(), 1, "{work}");
    assert!(work.contains("The fix"), "{work}");
}
