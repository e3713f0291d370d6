//! Stories that teach: every shipped scenario says what to look for in a
//! `[story]` table, and each story that changes the baseline states what
//! should move; `orgsim run` runs the baseline paired and writes story.csv.
//! The shipped stories' expectations are their claims, kept true here.

use crate::util::{Sandbox, csv_rows, visible_text};

#[test]
fn every_shipped_story_says_what_to_look_for_and_bears_out_its_expectations() {
    let sandbox = Sandbox::new();
    let mut judged = 0;
    for path in crate::scenarios::scenario_files() {
        let scenario = orgsim::scenario::Scenario::from_toml_str(
            &std::fs::read_to_string(&path).unwrap(),
            &path.display().to_string(),
        )
        .unwrap();
        let story = scenario.story.as_ref().unwrap_or_else(|| panic!("{} has no [story]", path.display()));
        assert!(!story.look_for.is_empty(), "{}: nothing to look for", path.display());
        if story.expect.is_empty() {
            continue;
        }
        let out = sandbox.path(&scenario.name);
        sandbox.run(&["run", path.to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-plots"]).success();
        let rows = csv_rows(&out, "story.csv");
        assert_eq!(rows.len(), story.expect.len(), "{}", path.display());
        for (row, expectation) in rows.iter().zip(&story.expect) {
            assert_eq!(row["metric"], expectation.metric);
            assert_eq!(row["borne_out"], "yes", "{}: {row:?}", path.display());
            let diff: f64 = row["diff"].parse().unwrap();
            let (base, told): (f64, f64) = (row["base"].parse().unwrap(), row["story"].parse().unwrap());
            assert!((told - base - diff).abs() <= 1e-9 * (1.0 + diff.abs() + base.abs()), "{row:?}");
        }
        judged += 1;
    }
    assert!(judged >= 5, "only {judged} stories state expectations");
}

/// An M/M/3 desk (the social layer off), as a scenario file.
fn base() -> String {
    crate::util::single_station(3, 2.0, 1.0, None, 2000.0, 8).to_toml()
}

/// The desk with one person fewer, as a story against `baseline`.
fn short_desk(story: &str) -> String {
    base().replace("name = \"station\"", "name = \"short\"").replace("staff = 3", "staff = 2") + "\n" + story
}

#[test]
fn a_story_runs_its_baseline_paired_and_judges_each_expectation() {
    let sandbox = Sandbox::new();
    sandbox.write("desk.toml", &base());
    sandbox.write(
        "short.toml",
        &short_desk(
            r#"[story]
baseline = "desk.toml"
look_for = ["With two people the queue grows."]
expect = [
  { metric = "ext_wait_mean", direction = "higher" },
  { metric = "department.Desk.utilization", direction = "lower" },
  { metric = "ext_arrivals", direction = "higher" },
]
"#,
        ),
    );
    let stdout = sandbox.run(&["run", "short.toml", "--out", "out"]).success();
    let rows = csv_rows(&sandbox.path("out"), "story.csv");
    let verdicts: Vec<&str> = rows.iter().map(|r| r["borne_out"].as_str()).collect();
    // Waits grow, the two are busier (the opposite of "lower"), and the
    // same customers arrive in both (common random numbers: no change).
    assert_eq!(verdicts, ["yes", "opposite", "unclear"], "{rows:?}");
    assert_eq!(rows[2]["diff"], "0");
    for words in ["borne out", "the opposite", "not shown"] {
        assert!(stdout.contains(words), "{stdout}");
    }
    // The report shows each sentence and each expectation as story.csv says.
    let text = visible_text(&std::fs::read_to_string(sandbox.path("out/report.html")).unwrap());
    assert!(text.contains("With two people the queue grows."), "{text}");
    assert!(text.contains("1 of 3 expectations are borne out"), "{text}");
    for mark in ["✓ borne out", "✗ the opposite", "? not shown"] {
        assert!(text.contains(mark), "{mark}: {text}");
    }
    // The folder keeps the baseline it ran against: its scenario.toml reruns
    // the story byte for byte.
    let again = sandbox.path("out/scenario.toml");
    sandbox.run(&["run", again.to_str().unwrap(), "--out", "again"]).success();
    for file in ["story.csv", "summary.csv", "baseline.toml", "scenario.toml"] {
        assert_eq!(
            std::fs::read(sandbox.path("out").join(file)).unwrap(),
            std::fs::read(sandbox.path("again").join(file)).unwrap(),
            "{file}"
        );
    }
    // Alone, a story writes no story.csv and leaves no stale one behind.
    sandbox.run(&["run", "short.toml", "--out", "out", "--no-story"]).success();
    assert!(!sandbox.path("out/story.csv").exists());
    assert!(!sandbox.path("out/baseline.toml").exists());
    let resolved = std::fs::read_to_string(sandbox.path("out/scenario.toml")).unwrap();
    assert!(resolved.contains("look_for") && !resolved.contains("expect"), "{resolved}");
}

#[test]
fn a_story_against_the_embedded_baseline_needs_no_file() {
    let sandbox = Sandbox::new();
    let text = orgsim::scenario::DEFAULT_SCENARIO.replace("name = \"baseline\"", "name = \"fewer\"").replace(
        "[story]\nlook_for",
        "[story]\nbaseline = \"embedded\"\nexpect = [ { metric = \"ext_arrivals\", direction = \"higher\" } ]\nlook_for",
    );
    sandbox.write("fewer.toml", &text);
    sandbox.run(&["run", "fewer.toml", "--out", "out", "--no-plots", "--replications", "3"]).success();
    // The same scenario against itself: nothing moves.
    assert_eq!(csv_rows(&sandbox.path("out"), "story.csv")[0]["borne_out"], "unclear");
    assert!(!sandbox.path("out/baseline.toml").exists());
}

#[test]
fn a_bad_story_is_refused_with_its_file_line_and_field() {
    let sandbox = Sandbox::new();
    sandbox.write("desk.toml", &base());
    let cases: [(&str, &[&str]); 8] = [
        (
            "[story]\nbaseline = \"desk.toml\"\nexpect = [ { metric = \"ext_wait_meen\", direction = \"higher\" } ]\n",
            &["story.expect[0].metric", "ext_wait_meen", "summary.csv"],
        ),
        (
            "[story]\nbaseline = \"desk.toml\"\nexpect = [ { metric = \"department.Nobody.utilization\", direction = \"higher\" } ]\n",
            &["story.expect[0].metric", "Nobody"],
        ),
        (
            "[story]\nbaseline = \"desk.toml\"\nexpect = [ { metric = \"ext_wait_mean\", direction = \"up\" } ]\n",
            &["direction", "higher", "lower"],
        ),
        (
            "[story]\nexpect = [ { metric = \"ext_wait_mean\", direction = \"higher\" } ]\n",
            &["story.expect", "baseline"],
        ),
        (
            "[story]\nbaseline = \"missing.toml\"\nexpect = [ { metric = \"ext_wait_mean\", direction = \"higher\" } ]\n",
            &["story.baseline", "missing.toml"],
        ),
        ("[story]\nbaseline = \"\"\n", &["story.baseline", "embedded"]),
        (
            "[story]\nbaseline = \"desk.toml\"\nexpect = [ { metric = \"ext_wait_mean\", direction = \"higher\" }, { metric = \"ext_wait_mean\", direction = \"lower\" } ]\n",
            &["story.expect[1].metric", "twice"],
        ),
        ("[story]\nlook_for = [\"\"]\n", &["story.look_for[0]", "1 to 1000 characters"]),
    ];
    for (story, words) in cases {
        sandbox.write("short.toml", &short_desk(story));
        let stderr = sandbox.run(&["run", "short.toml", "--out", "out"]).failure();
        assert!(stderr.contains("short.toml"), "{stderr}");
        for word in words {
            assert!(stderr.contains(word), "{word}: {stderr}");
        }
        assert!(!sandbox.path("out").exists(), "{stderr}");
    }
    // Too many sentences: the range from the one table.
    let many = format!("[story]\nlook_for = [{}]\n", vec!["\"a sentence\""; 21].join(", "));
    sandbox.write("short.toml", &short_desk(&many));
    let stderr = sandbox.run(&["validate", "short.toml"]).failure();
    assert!(stderr.contains("story.look_for") && stderr.contains("at most 20"), "{stderr}");
    // The metric error names its line.
    sandbox.write(
        "short.toml",
        &short_desk(
            "[story]\nbaseline = \"desk.toml\"\nexpect = [\n  { metric = \"nope\", direction = \"higher\" },\n]\n",
        ),
    );
    let stderr = sandbox.run(&["run", "short.toml"]).failure();
    let line = short_desk("").lines().count() + 4;
    assert!(stderr.contains(&format!("short.toml:{line}:")), "line {line}: {stderr}");
}

#[test]
fn the_classroom_scenarios_match_erlang_c_as_their_exercises_say() {
    use crate::util::{assert_covers, bonferroni, story, values};
    use orgsim::theory::{erlang_c, mmc_wait};
    // Help Desk: λ = 0.6, μ = 1/4; Back Office: a quarter of the calls, 1/5.
    for (name, agents) in [("classroom-start", 3), ("classroom", 4)] {
        let results = orgsim::experiment::run(story(name, 20));
        let checks = 3;
        let offered = 0.6 * 4.0;
        let wait_prob = erlang_c(agents, offered).unwrap();
        let (_, front_wait) = mmc_wait(agents, 0.6, 0.25).unwrap();
        let (_, back_wait) = mmc_wait(2, 0.15, 0.2).unwrap();
        assert_covers(bonferroni(&values(&results, "ext_wait_prob"), checks), wait_prob, &format!("{name}: P(wait)"));
        assert_covers(bonferroni(&values(&results, "ext_wait_mean"), checks), front_wait, &format!("{name}: W_q"));
        let resolution = front_wait + 4.0 + 0.25 * (back_wait + 5.0);
        assert_covers(
            bonferroni(&values(&results, "ext_resolution_mean"), checks),
            resolution,
            &format!("{name}: resolution"),
        );
    }
}
