//! The short glossary at the end of every report: the words the reports
//! use, each in one sentence a client or a student can read.

/// Each term and what it means.
const TERMS: [(&str, &str); 14] = [
    (
        "Replication",
        "one independent run of the same organization with different random draws; figures are means over replications.",
    ),
    ("95% interval", "the range that holds the true mean in 95 of 100 such studies; narrower with more replications."),
    (
        "Paired difference",
        "a change measured replication by replication against a base run that met the same customers and draws, so chance cancels out; significant when its interval excludes zero.",
    ),
    ("Warm-up", "the start of each run, left out of the figures while queues and morale settle."),
    ("Utilization", "the share of the staff's time spent working; near 100% queues grow without bound."),
    ("Offered load", "arrivals × mean service time: the number of people the work would keep busy."),
    ("Service level", "the share of customers whose service starts within the answer-time target."),
    ("Internal delay", "the time a team waits for another team's reply to its request."),
    (
        "Morale",
        "a team's mood on a 0–1 scale: it falls with stress and poor internal service, spreads to the teams it works with, and slows and worsens work when low.",
    ),
    ("Contagion", "teams that work together pull each other's morale toward their own; worse moods spread faster."),
    ("Rework", "a case that comes back because the answer was not good enough."),
    ("Churn", "the expected share of customers who leave after their experience."),
    ("Revenue at risk", "churn × the value of a customer; per time unit it compares runs of different lengths."),
    ("Overload episode", "a stretch of time when a team's queue per person stays far above normal (a crisis)."),
];

/// The glossary as HTML.
pub(super) fn glossary_html() -> String {
    let mut html = String::from("<h2>Glossary</h2><dl class=\"glossary\">");
    for (term, meaning) in TERMS {
        html.push_str(&format!("<dt>{term}</dt><dd>{meaning}</dd>"));
    }
    html.push_str("</dl>\n");
    html
}
